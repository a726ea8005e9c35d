import { ConcurrentResult } from '../client/concurrent.workload';
import { FanOutResult } from '../client/fan-out.workload';
import { SequentialResult } from '../client/sequential.workload';
import { StreamResult } from '../client/stream.workload';
import { InProcessResult } from '../in-process/in-process-bench';

/** Everything measured against one server (the same client code ran for both). */
export interface ServerResults {
  readonly sequential: SequentialResult;
  readonly concurrent: readonly ConcurrentResult[];
  readonly stream: StreamResult;
  readonly fanOut: FanOutResult;
  /** W5 (acton-ts only): the same fan-out with exact subscriptions, and with patterns (§11.1). */
  readonly patternFanOut?: { readonly exact: FanOutResult; readonly patterns: FanOutResult };
  /** RSS of the server process once started, before any workload, kB. */
  readonly serverStartRssKb: number;
  /** Peak RSS of the server process over W1–W4 (the workloads both servers run), kB. */
  readonly serverRssKb: number;
  /** acton-ts only: its peak RSS once W5's 1,000 subscriber connections came and went, kB. */
  readonly serverRssAfterW5Kb?: number;
  /** Peak RSS of the load client that drove it, kB. */
  readonly clientRssKb: number;
  /** Each round's main figure (calls/s, items/s, events/s) per workload; the median round is reported. */
  readonly rounds: Readonly<Record<string, readonly number[]>>;
}

/** A target of issue 19 on the acton-ts / baseline ratio. */
export interface Target {
  readonly text: string;
  readonly test: (ratio: number) => boolean;
}

/** One row of the report. */
export interface Figure {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  /** Whether a larger number is better (throughput) or worse (latency, memory, loss). */
  readonly better: 'higher' | 'lower';
  readonly acton: number;
  /** Absent for in-process figures (no baseline). */
  readonly baseline?: number;
  /** acton / baseline, when there is a non-zero baseline. */
  readonly ratio?: number;
  readonly target?: string;
  readonly met?: boolean;
}

const AT_MOST_110: Target = { text: '≤ 1.10', test: (ratio) => ratio <= 1.1 };
const AT_LEAST_130: Target = { text: '≥ 1.30', test: (ratio) => ratio >= 1.3 };
const AT_LEAST_100: Target = { text: '≥ 1.00', test: (ratio) => ratio >= 1 };
const AT_LEAST_120: Target = { text: '≥ 1.20', test: (ratio) => ratio >= 1.2 };
const AT_LEAST_90: Target = { text: '≥ 0.90', test: (ratio) => ratio >= 0.9 };
const AT_MOST_130: Target = { text: '≤ 1.30', test: (ratio) => ratio <= 1.3 };

/** The report's rows, in table order, with ratios and whether each target is met. */
export function buildFigures(acton: ServerResults, baseline: ServerResults, inProcess: InProcessResult): Figure[] {
  const rows: Figure[] = [];
  const add = (
    id: string,
    label: string,
    unit: string,
    better: Figure['better'],
    pick: (r: ServerResults) => number,
    target?: Target,
  ): void => {
    rows.push(compare(id, label, unit, better, pick(acton), pick(baseline), target));
  };
  add('w1.mean', 'W1 sequential: mean latency', 'µs', 'lower', (r) => r.sequential.meanUs);
  add('w1.p50', 'W1 sequential: p50 latency', 'µs', 'lower', (r) => r.sequential.p50Us, AT_MOST_110);
  add('w1.p99', 'W1 sequential: p99 latency', 'µs', 'lower', (r) => r.sequential.p99Us);
  add('w1.rate', 'W1 sequential: calls/s', 'calls/s', 'higher', (r) => r.sequential.callsPerSecond);
  add('w1.cpu', 'W1 sequential: server CPU per call', 'µs', 'lower', (r) => r.sequential.serverCpuUsPerOp ?? 0);
  acton.concurrent.forEach((shape, i) => {
    const name = `W2 ${shape.connections}×${shape.inFlight}`;
    const key = `w2.${shape.connections}x${shape.inFlight}`;
    add(`${key}.rate`, `${name}: calls/s`, 'calls/s', 'higher', (r) => r.concurrent[i].callsPerSecond, AT_LEAST_130);
    add(`${key}.p50`, `${name}: p50 latency`, 'µs', 'lower', (r) => r.concurrent[i].p50Us);
    add(`${key}.p99`, `${name}: p99 latency`, 'µs', 'lower', (r) => r.concurrent[i].p99Us);
    add(`${key}.cpu`, `${name}: server CPU per call`, 'µs', 'lower', (r) => r.concurrent[i].serverCpuUsPerOp ?? 0);
  });
  add('w3.rate', 'W3 stream: items/s', 'items/s', 'higher', (r) => r.stream.itemsPerSecond, AT_LEAST_100);
  add('w3.last', 'W3 stream: time to last item', 'ms', 'lower', (r) => r.stream.msToLastItem);
  add('w3.cpu', 'W3 stream: server CPU per item', 'µs', 'lower', (r) => r.stream.serverCpuUsPerOp ?? 0);
  add(
    'w4.per',
    'W4 fan-out: events/s per subscriber',
    'events/s',
    'higher',
    (r) => r.fanOut.eventsPerSecondPerSubscriber,
    AT_LEAST_120,
  );
  add(
    'w4.total',
    'W4 fan-out: events/s total',
    'events/s',
    'higher',
    (r) => r.fanOut.eventsPerSecondTotal,
    AT_LEAST_120,
  );
  add('w4.lost', 'W4 fan-out: lost events', 'events', 'lower', (r) => r.fanOut.lost);
  add('w4.cpu', 'W4 fan-out: server CPU per event delivered', 'µs', 'lower', (r) => r.fanOut.serverCpuUsPerOp ?? 0);
  const w5 = acton.patternFanOut;
  if (w5) {
    const { subscribers, noisePatterns } = w5.patterns;
    const label = `W5 ${subscribers} subscribers × (${noisePatterns} non-matching + 1 pattern): events/s total (baseline column: acton-ts, exact subscriptions)`;
    rows.push(
      compare(
        'w5.total',
        label,
        'events/s',
        'higher',
        w5.patterns.eventsPerSecondTotal,
        w5.exact.eventsPerSecondTotal,
        AT_LEAST_90,
      ),
    );
    rows.push(
      compare(
        'w5.cpu',
        'W5: server CPU per event delivered (baseline column: exact)',
        'µs',
        'lower',
        w5.patterns.serverCpuUsPerOp ?? 0,
        w5.exact.serverCpuUsPerOp ?? 0,
      ),
    );
  }
  add('rss.start', 'RSS: server once started', 'MB', 'lower', (r) => r.serverStartRssKb / 1024);
  add('rss.server', 'Peak RSS: server (W1–W4)', 'MB', 'lower', (r) => r.serverRssKb / 1024, AT_MOST_130);
  if (acton.serverRssAfterW5Kb !== undefined) {
    rows.push(
      compare(
        'rss.server.w5',
        "Peak RSS: acton-ts server after W5's 1,000 subscriber connections (baseline column: its W1–W4 peak)",
        'MB',
        'lower',
        acton.serverRssAfterW5Kb / 1024,
        acton.serverRssKb / 1024,
      ),
    );
  }
  add('rss.client', 'Peak RSS: load client', 'MB', 'lower', (r) => r.clientRssKb / 1024);
  rows.push({
    id: 'inproc.ask',
    label: 'In-process app.ask(), trivial handler',
    unit: 'calls/s',
    better: 'higher',
    acton: inProcess.asksPerSecond,
  });
  rows.push({
    id: 'inproc.broadcast',
    label: 'In-process Broker.broadcast → 1 subscriber',
    unit: 'events/s',
    better: 'higher',
    acton: inProcess.broadcastsPerSecond,
  });
  return rows;
}

function compare(
  id: string,
  label: string,
  unit: string,
  better: Figure['better'],
  acton: number,
  baseline: number,
  target?: Target,
): Figure {
  const ratio = baseline > 0 ? acton / baseline : undefined;
  const figure: Figure = { id, label, unit, better, acton, baseline, ratio };
  if (!target) return figure;
  return { ...figure, target: target.text, met: ratio !== undefined && target.test(ratio) };
}
