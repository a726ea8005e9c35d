const BIGINT_MARKER = '__acton_cli_bigint__';
const BIGINT_PATTERN = new RegExp(`"${BIGINT_MARKER}(-?\\d+)"`, 'g');

/**
 * `value` as one line of compact JSON. 64-bit integers beyond 2^53 (which MessagePack answers
 * may carry as `bigint`) are written as plain JSON numbers, digits intact.
 */
export function jsonLine(value: unknown): string {
  const text = JSON.stringify(value === undefined ? null : value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `${BIGINT_MARKER}${item.toString()}` : item,
  );
  return text.replace(BIGINT_PATTERN, '$1');
}
