import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ActonClient } from 'acton-ts/client';
import { ActonApp } from 'acton-ts';
import { Session, startObservedApp, Touch } from './fixtures/observed-app';

type Family = {
  name: string;
  type: string;
  metrics: {
    labels?: Record<string, string>;
    value?: string;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }[];
};

async function scrapeText(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

async function scrape(url: string): Promise<Map<string, Family>> {
  const families = parsePrometheusTextFormat(await scrapeText(url)) as Family[];
  return new Map(families.map((family) => [family.name, family]));
}

/**
 * One labelled series of a histogram family, parsed. (The parser groups a histogram's buckets
 * only for an unlabelled series: the series' own labels are taken off its lines first.)
 */
function histogramOf(text: string, name: string, labels: Record<string, string>): Family['metrics'][number] {
  const own = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const lines = text.split('\n').filter((line) => {
    if (line.startsWith(`# HELP ${name} `) || line.startsWith(`# TYPE ${name} `)) return true;
    return (
      /^[a-z_]+(_bucket|_sum|_count)\{/.test(line) && line.startsWith(name) && own.every((pair) => line.includes(pair))
    );
  });
  const stripped = lines.map((line) =>
    own
      .reduce((acc, pair) => acc.replace(new RegExp(`${pair},?`), ''), line)
      .replace(',}', '}')
      .replace('{}', ''),
  );
  const [family] = parsePrometheusTextFormat(stripped.join('\n') + '\n') as Family[];
  expect(family.type).toBe('HISTOGRAM');
  return family.metrics[0];
}

function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.get(name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? undefined : Number(sample.value);
}

describe('MetricsModule: Prometheus exposition over HTTP', () => {
  let app: ActonApp;
  let client: ActonClient;

  beforeAll(async () => {
    app = await startObservedApp({ port: 0 });
    client = await ActonClient.connect({
      socketPath: app.listener!.socketPath,
    });
  });

  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('exports names, types, labels and values after a known sequence of calls', async () => {
    for (let i = 0; i < 3; i++) await client.request('calculator', 'Add', { a: i, b: 1 });
    await expect(client.request('calculator', 'Fail', { why: 'none left' })).rejects.toMatchObject({
      code: 'OUT_OF_STOCK',
    });
    await expect(client.request('calculator', 'Add', { a: 'x', b: 1 })).rejects.toMatchObject({
      code: 'SERIALIZATION_ERROR',
    });

    const text = await scrapeText(app.extension('metrics')!.url!);
    const families = new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]));
    expect(families.get('acton_actor_messages_handled_total')?.type).toBe('COUNTER');
    expect(
      valueOf(families, 'acton_actor_messages_handled_total', {
        actor: 'Calculator',
        message_type: 'Add',
        outcome: 'ok',
      }),
    ).toBe(3);
    expect(
      valueOf(families, 'acton_actor_messages_handled_total', {
        actor: 'Calculator',
        message_type: 'Fail',
        outcome: 'OUT_OF_STOCK',
      }),
    ).toBe(1);
    // A payload that failed validation never reached the actor: counted by the listener only.
    expect(valueOf(families, 'acton_ipc_messages_received_total')).toBe(5);
    expect(valueOf(families, 'acton_ipc_messages_routed_total')).toBe(4);
    expect(valueOf(families, 'acton_ipc_errors_total')).toBe(2);
    expect(families.get('acton_ipc_connections_active')?.type).toBe('GAUGE');
    expect(valueOf(families, 'acton_ipc_connections_active')).toBe(1);
    expect(valueOf(families, 'acton_actor_mailbox_depth', { actor: 'Calculator' })).toBe(0);
    expect(valueOf(families, 'acton_actor_instances', { actor: 'ActonSystemActor' })).toBe(1);

    expect(families.get('acton_actor_handler_duration_seconds')?.type).toBe('HISTOGRAM');
    const add = histogramOf(text, 'acton_actor_handler_duration_seconds', {
      actor: 'Calculator',
      message_type: 'Add',
    });
    expect(Number(add.count)).toBe(3);
    expect(Number(add.buckets!['+Inf'])).toBe(3);
    expect(Number(add.buckets!['10'])).toBe(3); // cumulative: every handler took less than 10 s
    expect(Number(add.sum)).toBeGreaterThan(0);
    const wait = histogramOf(text, 'acton_actor_mailbox_wait_seconds', {
      actor: 'Calculator',
    });
    expect(Number(wait.count)).toBe(4);

    // every field of listener.stats() is exported
    expect([...families.keys()].filter((name) => name.startsWith('acton_ipc_'))).toHaveLength(
      Object.keys(app.listener!.stats()).length,
    );
  });

  it("counts supervision's ActorRestarted events as restarts of the actor class", async () => {
    await expect(client.request('crashy', 'Crash', {})).rejects.toMatchObject({ code: 'HANDLER_ERROR' });
    await expect(client.request('crashy', 'Crash', {})).rejects.toMatchObject({ code: 'HANDLER_ERROR' });
    const url = app.extension('metrics')!.url!;
    let families = await scrape(url);
    for (let i = 0; i < 50 && valueOf(families, 'acton_actor_restarts_total', { actor: 'Crashy' }) !== 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      families = await scrape(url);
    }
    expect(families.get('acton_actor_restarts_total')?.type).toBe('COUNTER');
    expect(valueOf(families, 'acton_actor_restarts_total', { actor: 'Crashy' })).toBe(2);
    expect(valueOf(families, 'acton_actor_restarts_total', { actor: 'Calculator' })).toBe(0);
    const crashes = { actor: 'Crashy', message_type: 'Crash', outcome: 'HANDLER_ERROR' };
    expect(valueOf(families, 'acton_actor_messages_handled_total', crashes)).toBe(2);
  });

  it('serves liveness and readiness', async () => {
    const url = app.extension('metrics')!.url!;
    const live = await fetch(`${url}/healthz`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      checks: [
        { name: 'app-running', ok: true },
        { name: 'socket-accepting', ok: true },
      ],
    });
    const missing = await fetch(`${url}/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('/metrics');
  });
});

describe('MetricsModule: cardinality', () => {
  it('labels 10,000 spawned actors by their class: one series, not 10,000', async () => {
    const app = await startObservedApp({ port: 0 });
    try {
      for (let i = 0; i < 10_000; i++) await app.spawn(Session, `session-${i}`);
      for (let i = 0; i < 10_000; i++) app.tell(`session-${i}`, new Touch());
      await new Promise((resolve) => setTimeout(resolve, 200));
      const response = await fetch(`${app.extension('metrics')!.url!}/metrics`);
      const text = await response.text();
      expect(text).not.toContain('session-');
      const families = new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]));
      expect(valueOf(families, 'acton_actor_instances', { actor: 'Session' })).toBe(10_000);
      expect(
        valueOf(families, 'acton_actor_messages_handled_total', {
          actor: 'Session',
          outcome: 'ok',
        }),
      ).toBe(10_000);
      expect(families.get('acton_actor_instances')!.metrics.length).toBeLessThan(10);
      expect(text.split('\n').length).toBeLessThan(500);
    } finally {
      await app.close();
    }
  });

  it('with keyLabels, stops making new series at maxActorLabels (the rest are _other)', async () => {
    const app = await startObservedApp({
      port: 0,
      keyLabels: true,
      maxActorLabels: 50,
    });
    try {
      for (let i = 0; i < 200; i++) await app.spawn(Session, `session-${i}`);
      for (let i = 0; i < 200; i++) app.tell(`session-${i}`, new Touch());
      await new Promise((resolve) => setTimeout(resolve, 100));
      const handled = app
        .extension('metrics')!
        .stats()
        .actors.filter((a) => a.messageTypes.length > 0);
      expect(handled.length).toBe(51); // 50 labels + _other
      const other = handled.find((a) => a.actor === '_other')!;
      expect(other.messageTypes[0].outcomes.ok).toBeGreaterThan(100);
    } finally {
      await app.close();
    }
  });
});
