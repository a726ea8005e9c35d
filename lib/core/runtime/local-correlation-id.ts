let lastCorrelation = 0;

/** A fresh correlation id for an in-process message, `local-<n>` (unique within the process). */
export function nextLocalCorrelationId(): string {
  return `local-${++lastCorrelation}`;
}
