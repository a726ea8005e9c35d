import { Figure } from './figures';

/** The report as a markdown table: figure, acton-ts, baseline, ratio (acton-ts / baseline), target. */
export function markdownTable(figures: readonly Figure[]): string {
  const lines = ['| Figure | acton-ts | baseline | ratio | target |', '|---|---:|---:|---:|:---|'];
  for (const f of figures) {
    const target = f.target === undefined ? '' : `${f.target} ${f.met ? '✅' : '❌'}`;
    const baseline = f.baseline === undefined ? '—' : formatValue(f.baseline, f.unit);
    const ratio = f.ratio === undefined ? '—' : f.ratio.toFixed(2);
    lines.push(`| ${f.label} | ${formatValue(f.acton, f.unit)} | ${baseline} | ${ratio} | ${target} |`);
  }
  return lines.join('\n');
}

/** A figure with its unit, rounded for reading: rates as integers with separators. */
export function formatValue(value: number, unit: string): string {
  if (unit === 'µs' && value < 10) return `${value.toFixed(2)} ${unit}`;
  if (unit === 'µs' || unit === 'ms' || unit === 'MB') return `${value.toFixed(1)} ${unit}`;
  return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
}
