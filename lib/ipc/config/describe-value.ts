/**
 * A configuration value as an error message shows it: strings quoted, integers as digits
 * (including `bigint`), arrays and tables as JSON, so a user can find it in their file or code.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (value instanceof Date) return `the date ${value.toString()}`;
  if (typeof value === 'object' && value !== null) return compactJson(value);
  return String(value);
}

function compactJson(value: object): string {
  try {
    const json = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
