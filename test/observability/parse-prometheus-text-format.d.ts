declare module 'parse-prometheus-text-format' {
  /** Parses Prometheus text exposition into metric families (see the package's README). */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
