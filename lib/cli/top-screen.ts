import type { ActorStats, AppStats } from '../observability/app-stats';
import {
  addHistograms,
  EMPTY_HISTOGRAM,
  histogramDelta,
  HistogramSnapshot,
  quantileOf,
} from '../observability/latency-histogram';

/** Columns `acton top` can sort by, and the key that selects each. */
export const TOP_SORT_KEYS = {
  r: 'rate',
  e: 'errors',
  m: 'mailbox',
  p: 'p99',
  n: 'name',
} as const;

/** What the actor table is sorted by (descending, except `name`). */
export type TopSort = (typeof TOP_SORT_KEYS)[keyof typeof TOP_SORT_KEYS];

/** One row of the actor table: live figures and rates over the last interval. */
export interface TopRow {
  readonly actor: string;
  readonly instances: number;
  readonly mailboxDepth: number;
  readonly messagesPerSecond: number;
  readonly errorsPerSecond: number;
  /** Handler time quantiles over the last interval, seconds (undefined: no message handled). */
  readonly p50?: number;
  readonly p99?: number;
  readonly streamsInFlight: number;
  readonly restarts: number;
}

/** Handled and failed messages of one actor label, and its handler time histogram, all types together. */
function totalsOf(actor: ActorStats | undefined): {
  handled: number;
  failed: number;
  handler: HistogramSnapshot;
} {
  let handled = 0;
  let failed = 0;
  let handler = EMPTY_HISTOGRAM;
  for (const type of actor?.messageTypes ?? []) {
    for (const [outcome, count] of Object.entries(type.outcomes)) {
      handled += count;
      if (outcome !== 'ok') failed += count;
    }
    handler = addHistograms(handler, type.handlerSeconds);
  }
  return { handled, failed, handler };
}

/**
 * The rows of `acton top` from two consecutive `$acton` snapshots: rates are the difference
 * divided by the time between them; quantiles are estimated from the difference of the
 * handler-time histograms (so they describe the last interval only).
 */
export function topRows(current: AppStats, previous: AppStats | undefined, sort: TopSort): TopRow[] {
  const seconds = previous ? Math.max(0.001, (current.takenAt - previous.takenAt) / 1000) : 1;
  const before = new Map((previous?.actors ?? []).map((actor) => [actor.actor, actor]));
  const rows = current.actors.map((actor): TopRow => {
    const now = totalsOf(actor);
    const then = previous
      ? totalsOf(before.get(actor.actor))
      : { handled: now.handled, failed: now.failed, handler: now.handler };
    const interval = histogramDelta(now.handler, previous ? then.handler : now.handler);
    return {
      actor: actor.actor,
      instances: actor.instances,
      mailboxDepth: actor.mailboxDepth,
      messagesPerSecond: (now.handled - then.handled) / seconds,
      errorsPerSecond: (now.failed - then.failed) / seconds,
      p50: quantileOf(interval, 0.5),
      p99: quantileOf(interval, 0.99),
      streamsInFlight: actor.streamsInFlight,
      restarts: actor.restarts,
    };
  });
  return rows.sort(comparator(sort));
}

function comparator(sort: TopSort): (a: TopRow, b: TopRow) => number {
  const byName = (a: TopRow, b: TopRow): number => a.actor.localeCompare(b.actor);
  const descending = (value: (row: TopRow) => number) => (a: TopRow, b: TopRow) => value(b) - value(a) || byName(a, b);
  switch (sort) {
    case 'rate':
      return descending((row) => row.messagesPerSecond);
    case 'errors':
      return descending((row) => row.errorsPerSecond);
    case 'mailbox':
      return descending((row) => row.mailboxDepth);
    case 'p99':
      return descending((row) => row.p99 ?? -1);
    case 'name':
      return byName;
  }
}

/** A duration for the table: µs below 1 ms, ms below 1 s, else s; `-` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 0.001) return `${(seconds * 1e6).toFixed(0)}µs`;
  if (seconds < 1) return `${(seconds * 1000).toFixed(1)}ms`;
  return `${seconds.toFixed(2)}s`;
}

const COLUMNS = ['ACTOR', 'INST', 'MAILBOX', 'MSG/S', 'ERR/S', 'P50', 'P99', 'STREAMS', 'RESTARTS'];

/**
 * The whole `acton top` screen as lines (no escape codes): a header with the connection and
 * subscription figures, the actor table sorted by `sort`, and the key help. `maxRows` bounds
 * the table (a terminal's height).
 */
export function renderTopScreen(
  current: AppStats,
  previous: AppStats | undefined,
  options: {
    readonly socketPath: string;
    readonly sort: TopSort;
    readonly maxRows?: number;
  },
): string[] {
  const seconds = previous ? Math.max(0.001, (current.takenAt - previous.takenAt) / 1000) : 1;
  const listener = current.listener ?? {};
  const received = previous?.listener
    ? ((listener.messagesReceived ?? 0) - (previous.listener.messagesReceived ?? 0)) / seconds
    : 0;
  const rows = topRows(current, previous, options.sort);
  const shown = rows.slice(0, options.maxRows ?? rows.length);
  const table = [
    COLUMNS,
    ...shown.map((row) => [
      row.actor,
      String(row.instances),
      String(row.mailboxDepth),
      row.messagesPerSecond.toFixed(1),
      row.errorsPerSecond.toFixed(1),
      formatDuration(row.p50),
      formatDuration(row.p99),
      String(row.streamsInFlight),
      String(row.restarts),
    ]),
  ];
  const widths = COLUMNS.map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  const lines = table.map((cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  '),
  );
  return [
    `acton top — ${options.socketPath} — up ${formatUptime(current.uptimeSeconds)} — sorted by ${options.sort}`,
    `connections ${listener.activeConnections ?? 0}/${listener.maxConnections ?? 0}  ` +
      `subscriptions ${listener.activeSubscriptions ?? 0}  in flight ${listener.inFlightRequests ?? 0}  ` +
      `requests ${received.toFixed(1)}/s  errors ${listener.errors ?? 0}`,
    '',
    ...lines,
    ...(rows.length > shown.length ? [`… ${rows.length - shown.length} more`] : []),
    '',
    'sort: [r]ate [e]rrors [m]ailbox [p]99 [n]ame   quit: q',
  ];
}

function formatUptime(seconds: number): string {
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}
