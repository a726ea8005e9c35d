import { Figure } from './figures';

/** One workload of the chart: which figure it shows and how to read its ratio. */
interface ChartedWorkload {
  readonly label: string;
  readonly figureId: string;
}

/** The workloads charted, one group of bars each (the figure is the one issue 19's targets use). */
const CHARTED: readonly ChartedWorkload[] = [
  { label: 'W1 p50 latency', figureId: 'w1.p50' },
  { label: 'W2 1×64 calls/s', figureId: 'w2.1x64.rate' },
  { label: 'W2 8×16 calls/s', figureId: 'w2.8x16.rate' },
  { label: 'W3 stream items/s', figureId: 'w3.rate' },
  { label: 'W4 fan-out events/s', figureId: 'w4.total' },
  { label: 'Peak server RSS', figureId: 'rss.server' },
];

const WIDTH = 760;
const HEIGHT = 360;
const PLOT = { left: 56, right: 16, top: 40, bottom: 72 };
const SERVERS = [
  { name: 'acton-ts', color: '#2f6fdf' },
  { name: 'baseline', color: '#9aa3ad' },
] as const;

/** A bar's value: how many times better than the baseline (lower-is-better figures inverted). */
function advantage(figure: Figure): number | undefined {
  if (figure.baseline === undefined || figure.baseline <= 0 || figure.acton <= 0) return undefined;
  return figure.better === 'higher' ? figure.acton / figure.baseline : figure.baseline / figure.acton;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * An SVG bar chart of acton-ts against the baseline, one group per workload with one bar per
 * server. Every bar is "times the baseline, higher is better": throughput ratios as measured,
 * latency and memory ratios inverted (baseline / acton-ts), so the baseline's bars are all 1.0 and
 * the 1.0 line is drawn across. Workloads without both figures are left out.
 * @param title shown at the top (e.g. the run's date and conditions)
 */
export function ratioChartSvg(figures: readonly Figure[], title: string): string {
  const byId = new Map(figures.map((figure) => [figure.id, figure]));
  const groups = CHARTED.flatMap((workload) => {
    const figure = byId.get(workload.figureId);
    const value = figure && advantage(figure);
    return value === undefined ? [] : [{ label: workload.label, values: [value, 1] }];
  });
  const top = Math.max(1.5, Math.ceil(Math.max(...groups.flatMap((g) => g.values), 1) * 4) / 4);
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const y = (value: number): number => PLOT.top + plotHeight * (1 - value / top);
  const groupWidth = plotWidth / Math.max(1, groups.length);
  const barWidth = Math.min(36, (groupWidth * 0.7) / SERVERS.length);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${WIDTH / 2}" y="33" text-anchor="middle" fill="#555">times the baseline, higher is better (latency and RSS inverted)</text>`,
  ];
  for (let tick = 0; tick <= top + 1e-9; tick += top > 3 ? 1 : 0.5) {
    parts.push(`<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#eee"/>`);
    parts.push(`<text x="${PLOT.left - 6}" y="${y(tick) + 4}" text-anchor="end" fill="#555">${tick.toFixed(1)}</text>`);
  }
  groups.forEach((group, g) => {
    const center = PLOT.left + groupWidth * (g + 0.5);
    group.values.forEach((value, s) => {
      const x = center - (barWidth * SERVERS.length) / 2 + barWidth * s;
      const shown = Math.min(value, top);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(shown).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(y(0) - y(shown)).toFixed(1)}" fill="${SERVERS[s].color}"><title>${escapeXml(`${group.label}, ${SERVERS[s].name}: ${value.toFixed(2)}×`)}</title></rect>`,
      );
      parts.push(
        `<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(y(shown) - 3).toFixed(1)}" text-anchor="middle" font-size="10">${value.toFixed(2)}</text>`,
      );
    });
    parts.push(
      `<text x="${center.toFixed(1)}" y="${HEIGHT - PLOT.bottom + 16}" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  parts.push(
    `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(1)}" y2="${y(1)}" stroke="#d33" stroke-dasharray="6 3" stroke-width="1.5"/>`,
  );
  parts.push(`<text x="${WIDTH - PLOT.right}" y="${y(1) - 4}" text-anchor="end" fill="#d33">1.0 = baseline</text>`);
  SERVERS.forEach((server, s) => {
    const x = PLOT.left + s * 110;
    parts.push(`<rect x="${x}" y="${HEIGHT - 28}" width="12" height="12" fill="${server.color}"/>`);
    parts.push(`<text x="${x + 18}" y="${HEIGHT - 18}">${server.name}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
