import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchPlan } from './bench-plan';
import { BenchChild, REPO_ROOT } from './child/bench-child';
import { buildBenchJs, removeBenchJs } from './child/bench-build';
import { launchServer } from './child/server-launch';
import { ConcurrentResult } from './client/concurrent.workload';
import { FanOutResult } from './client/fan-out.workload';
import { SequentialResult } from './client/sequential.workload';
import { StreamResult } from './client/stream.workload';
import { InProcessResult } from './in-process/in-process-bench';
import { ServerResults } from './report/figures';
import { ProgressLine } from './report/progress-line';

/** Longest a single workload may take before the run is abandoned, ms. */
const WORKLOAD_TIMEOUT_MS = 180_000;

/** One server under test, with the load client that drives it. */
interface Contender {
  readonly name: 'acton-ts' | 'baseline';
  readonly socketPath: string;
  readonly server: BenchChild;
  readonly client: BenchChild;
}

/** What one whole run measured. */
export interface RunResults {
  readonly acton: ServerResults;
  readonly baseline: ServerResults;
  readonly inProcess: InProcessResult;
}

/**
 * Drives one bench run: starts both servers and a load client for each as child processes,
 * runs every workload against acton-ts then the baseline (interleaved per workload, so that
 * load from elsewhere on the machine hits both alike), collects peak RSS, then measures the
 * in-process figures in a fresh process once the servers are gone. Every child is stopped,
 * by its own pid, whatever happens.
 */
export class BenchRunner {
  private readonly children: BenchChild[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'acton-bench-'));
  private jsRoot = '';

  constructor(
    private readonly plan: BenchPlan,
    private readonly progress: ProgressLine,
  ) {}

  /** Runs everything; rejects with the failing child's output when a workload fails. */
  async run(): Promise<RunResults> {
    try {
      this.progress.begin('transpiling lib/, sample/ and bench/ for the child processes');
      this.jsRoot = buildBenchJs(REPO_ROOT);
      this.progress.begin('starting servers and load clients');
      const contenders = await this.startContenders();
      const perServer = await this.runWorkloads(contenders);
      const [acton, baseline] = await Promise.all(contenders.map(async (c) => this.withRss(c, perServer.get(c.name)!)));
      await this.stopAll();
      const inProcess = await this.runInProcess();
      return { acton, baseline, inProcess };
    } finally {
      await this.stopAll();
      rmSync(this.dir, { recursive: true, force: true });
      removeBenchJs(this.jsRoot);
    }
  }

  /** Stops every child still running (also used on Ctrl-C). */
  async stopAll(): Promise<void> {
    await Promise.all(this.children.splice(0).map((child) => child.stop()));
  }

  private async startContenders(): Promise<Contender[]> {
    const contenders = (['acton-ts', 'baseline'] as const).map((name): Contender => {
      const { server, socketPath } = launchServer(name, this.jsRoot, this.dir, this.plan.stream.items);
      this.children.push(server);
      return { name, socketPath, server, client: this.spawn(`load client (${name})`, 'bench/client/load-client.ts') };
    });
    await Promise.all(contenders.flatMap((c) => [c.server.ready(), c.client.ready()]));
    return contenders;
  }

  private async runWorkloads(contenders: readonly Contender[]): Promise<Map<string, Partial<Record<keyof ServerResults, unknown>>>> {
    const results = new Map(contenders.map((c) => [c.name as string, { concurrent: [] as ConcurrentResult[] } as Record<string, unknown>]));
    const each = async (label: string, task: string, params: unknown, keep: (into: Record<string, unknown>, result: unknown) => void): Promise<void> => {
      for (const contender of contenders) {
        this.progress.begin(`${label} · ${contender.name}`);
        const result = await contender.client.run(task, { socketPath: contender.socketPath, params }, WORKLOAD_TIMEOUT_MS, (text) => this.progress.update(text));
        keep(results.get(contender.name)!, result);
      }
    };
    await each(`W1 sequential ×${this.plan.sequential.calls}`, 'sequential', this.plan.sequential, (r, v) => (r.sequential = v as SequentialResult));
    for (const shape of this.plan.concurrent) {
      await each(`W2 ${shape.connections}×${shape.inFlight} for ${shape.durationMs / 1000} s`, 'concurrent', shape, (r, v) => (r.concurrent as ConcurrentResult[]).push(v as ConcurrentResult));
    }
    await each(`W3 stream of ${this.plan.stream.items}`, 'stream', this.plan.stream, (r, v) => (r.stream = v as StreamResult));
    await each(`W4 ${this.plan.fanOut.broadcasts} broadcasts → ${this.plan.fanOut.subscribers} subscribers`, 'fan-out', this.plan.fanOut, (r, v) => (r.fanOut = v as FanOutResult));
    return results;
  }

  private async withRss(contender: Contender, results: Partial<Record<keyof ServerResults, unknown>>): Promise<ServerResults> {
    const [serverRssKb, clientRssKb] = await Promise.all([contender.server.peakRssKilobytes(), contender.client.peakRssKilobytes()]);
    return { ...(results as Omit<ServerResults, 'serverRssKb' | 'clientRssKb'>), serverRssKb, clientRssKb };
  }

  private async runInProcess(): Promise<InProcessResult> {
    this.progress.begin('in-process app.ask() and Broker.broadcast');
    const child = this.spawn('in-process bench', 'bench/in-process/in-process-bench.ts');
    await child.ready();
    return child.run<InProcessResult>('in-process', this.plan.inProcess, WORKLOAD_TIMEOUT_MS);
  }

  private spawn(label: string, script: string): BenchChild {
    const child = new BenchChild(label, this.jsRoot, script);
    this.children.push(child);
    return child;
  }
}
