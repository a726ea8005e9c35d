import type { AppStats } from 'acton-ts/observability';
import { LatencyHistogram } from '../../lib/observability/latency-histogram';
import { renderTopScreen, topRows } from '../../lib/cli/top-screen';

/** A snapshot as `$acton` answers it, for actors given as [label, ok, failed, handler seconds, mailbox]. */
function snapshot(takenAt: number, actors: [string, number, number, number, number][]): AppStats {
  return {
    takenAt,
    uptimeSeconds: 3723,
    bucketsSeconds: [],
    listener: {
      activeConnections: 2,
      maxConnections: 100,
      activeSubscriptions: 5,
      inFlightRequests: 1,
      errors: 0,
      messagesReceived: takenAt,
    },
    actors: actors.map(([actor, ok, failed, seconds, mailboxDepth]) => {
      const handler = new LatencyHistogram();
      for (let i = 0; i < ok + failed; i++) handler.observe(seconds);
      return {
        actor,
        instances: 1,
        mailboxDepth,
        streamsInFlight: 0,
        restarts: 0,
        mailboxWaitSeconds: new LatencyHistogram().snapshot(),
        messageTypes: [
          {
            messageType: 'T',
            outcomes: { ok, ...(failed ? { HANDLER_ERROR: failed } : {}) },
            handlerSeconds: handler.snapshot(),
          },
        ],
      };
    }),
  };
}

describe('acton top screen', () => {
  const before = snapshot(10_000, [
    ['Fast', 100, 0, 0.0002, 0],
    ['Slow', 10, 0, 0.2, 7],
    ['Failing', 0, 0, 0.001, 0],
  ]);
  const after = snapshot(12_000, [
    ['Fast', 300, 0, 0.0002, 0],
    ['Slow', 14, 0, 2, 9],
    ['Failing', 2, 6, 0.001, 0],
  ]);

  it('computes rates over the interval between two snapshots and quantiles of that interval only', () => {
    const rows = topRows(after, before, 'rate');
    expect(rows.map((r) => r.actor)).toEqual(['Fast', 'Failing', 'Slow']);
    expect(rows[0]).toMatchObject({ messagesPerSecond: 100, errorsPerSecond: 0 });
    expect(rows[1]).toMatchObject({ messagesPerSecond: 4, errorsPerSecond: 3 });
    const slow = rows[2];
    expect(slow.messagesPerSecond).toBe(2);
    expect(slow.p50!).toBeGreaterThan(1); // the last interval's 2 s handlers, not the earlier 0.2 s ones
  });

  it('sorts by errors, mailbox, p99 and name', () => {
    expect(topRows(after, before, 'errors')[0].actor).toBe('Failing');
    expect(topRows(after, before, 'mailbox')[0].actor).toBe('Slow');
    expect(topRows(after, before, 'p99')[0].actor).toBe('Slow');
    expect(topRows(after, before, 'name').map((r) => r.actor)).toEqual(['Failing', 'Fast', 'Slow']);
  });

  it('renders a header with connections and subscriptions, an aligned table, and the keys', () => {
    const lines = renderTopScreen(after, before, { socketPath: '/tmp/app.sock', sort: 'rate', maxRows: 2 });
    expect(lines[0]).toBe('acton top — /tmp/app.sock — up 1h02m — sorted by rate');
    expect(lines[1]).toBe('connections 2/100  subscriptions 5  in flight 1  requests 1000.0/s  errors 0');
    expect(lines[3]).toMatch(/^ACTOR\s+INST\s+MAILBOX\s+MSG\/S\s+ERR\/S\s+P50\s+P99\s+STREAMS\s+RESTARTS$/);
    expect(lines[4]).toMatch(/^Fast\s+1\s+0\s+100\.0\s+0\.0\s+\d+µs\s+\d+µs\s+0\s+0$/);
    expect(lines[3].length).toBe(lines[4].length); // columns aligned
    expect(lines).toContain('… 1 more');
    expect(lines[lines.length - 1]).toBe('sort: [r]ate [e]rrors [m]ailbox [p]99 [n]ame   quit: q');
  });

  it('shows zero rates and no quantiles on the first screen (nothing to compare with yet)', () => {
    const rows = topRows(after, undefined, 'name');
    expect(rows.every((r) => r.messagesPerSecond === 0 && r.p50 === undefined)).toBe(true);
  });
});
