import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchPlan } from './bench-plan';
import { BenchChild, REPO_ROOT } from './child/bench-child';
import { buildBenchJs, removeBenchJs } from './child/bench-build';
import { launchServer } from './child/server-launch';
import { ConcurrentParams, ConcurrentResult } from './client/concurrent.workload';
import { WorkloadOutcome } from './client/outcome';
import { FanOutResult } from './client/fan-out.workload';
import { SequentialResult } from './client/sequential.workload';
import { StreamResult } from './client/stream.workload';
import { ActorPopulationParams, ActorPopulationResult } from './in-process/actor-population';
import { KeyedPopulationResult } from './in-process/keyed-population';
import { InProcessResult } from './in-process/in-process-bench';
import { NestComparisonRow, runNestComparison } from './nestjs/nest-comparison';
import { ObservabilityResults, observabilityPlan, runObservabilityOverhead } from './observability-overhead';
import type { ProbeOverhead } from './in-process/instrumentation-overhead';
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
  /** W2 through ActonTransport vs Nest's TCP transport, same Nest handler. */
  readonly nest: readonly NestComparisonRow[];
  /** Metrics and tracing overhead on W2 (issue 17), same-run ratios, and the probes' in-process cost. */
  readonly observability: ObservabilityResults & { readonly probes: readonly ProbeOverhead[] };
}

/** What `--actors N` measured: spawned actors, then keyed activations (each in its own child). */
export interface PopulationResults {
  readonly actors: ActorPopulationResult;
  readonly keyed: KeyedPopulationResult;
}

/** Parameters of the regression check (`--check`). */
export interface RegressionCheckParams {
  /** The W2 shape measured, kept short. */
  readonly shape: ConcurrentParams;
  /** The check passes at the first round whose acton-ts / baseline calls/s ratio reaches this. */
  readonly minRatio: number;
  /** Rounds at most (alternating who goes first). */
  readonly rounds: number;
}

/** What the regression check measured: one ratio per round run. */
export interface RegressionCheckResult {
  readonly passed: boolean;
  readonly minRatio: number;
  readonly ratios: readonly number[];
  readonly errors: number;
  readonly firstError?: string;
}

/**
 * Drives one bench run: starts both servers and a load client for each as child processes,
 * runs every workload `plan.rounds` times against each server, alternating which goes first
 * (so that load from elsewhere on the machine hits both alike), keeps each server's median
 * round, collects peak RSS, then measures the
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
    return this.withChildren(async () => {
      this.progress.begin('starting servers and load clients');
      const contenders = await this.startContenders();
      const startRss = await Promise.all(contenders.map((c) => c.server.peakRssKilobytes()));
      await this.warmUp(contenders);
      const perServer = await this.runWorkloads(contenders);
      const [acton, baseline] = await Promise.all(
        contenders.map(async (c, i) => this.withRss(c, perServer.get(c.name)!, startRss[i])),
      );
      await this.stopAll();
      const inProcess = await this.runInProcess();
      const nest = await runNestComparison(this.plan.nest, this.jsRoot, this.dir, this.progress);
      const overhead = await runObservabilityOverhead(
        this.jsRoot,
        this.dir,
        observabilityPlan(this.plan.quick),
        this.plan.stream.items,
        this.progress,
      );
      const observability = { ...overhead, probes: await this.runProbeOverhead() };
      return { acton, baseline, inProcess, nest, observability };
    });
  }

  /**
   * Runs only the population workloads (`--actors N`): N spawned actors, then N keyed
   * activations, each in a fresh child with `--expose-gc` and a heap large enough for it.
   */
  async runActors(params: ActorPopulationParams): Promise<PopulationResults> {
    return this.withChildren(async () => {
      const n = params.actors.toLocaleString('en-US');
      this.progress.begin(`${n} actors`);
      const actors = await this.runPopulation<ActorPopulationResult>('actors', params);
      this.progress.begin(`${n} keyed activations`);
      const keyed = await this.runPopulation<KeyedPopulationResult>('keyed', { keys: params.actors });
      return { actors, keyed };
    });
  }

  private async runPopulation<T>(task: 'actors' | 'keyed', params: unknown): Promise<T> {
    const child = this.spawn(`${task} population bench`, 'bench/in-process/population-child.ts', [
      '--expose-gc',
      '--max-old-space-size=8192',
    ]);
    await child.ready();
    try {
      return await child.run<T>(task, params, WORKLOAD_TIMEOUT_MS, (text) => this.progress.update(text));
    } finally {
      await child.stop();
    }
  }

  /**
   * The regression check CI can afford: short W2 rounds against both servers, alternating who
   * goes first; it passes at the first round whose ratio reaches `minRatio`, and fails only when
   * every round stays below it, so a slow spell on a loaded machine has to hit every round to
   * fail it while a real slowdown by several times fails them all.
   */
  async runCheck(params: RegressionCheckParams): Promise<RegressionCheckResult> {
    return this.withChildren(async () => {
      this.progress.begin('starting servers and load clients');
      const contenders = await this.startContenders();
      const ratios: number[] = [];
      let errors = 0;
      let firstError: string | undefined;
      for (let round = 0; round < params.rounds; round++) {
        const order = round % 2 === 0 ? contenders : [...contenders].reverse();
        const rates = new Map<string, number>();
        for (const contender of order) {
          this.progress.begin(
            `regression check · W2 ${params.shape.connections}×${params.shape.inFlight} · ${contender.name} · round ${round + 1}`,
          );
          const result = await contender.client.run<ConcurrentResult>(
            'concurrent',
            { socketPath: contender.socketPath, params: params.shape },
            WORKLOAD_TIMEOUT_MS,
          );
          errors += result.errors;
          firstError ??= result.firstError;
          rates.set(contender.name, result.callsPerSecond);
        }
        ratios.push(rates.get('acton-ts')! / Math.max(1, rates.get('baseline')!));
        if (ratios[ratios.length - 1] >= params.minRatio) break;
      }
      const passed = errors === 0 && ratios.some((ratio) => ratio >= params.minRatio);
      return firstError === undefined
        ? { passed, minRatio: params.minRatio, ratios, errors }
        : { passed, minRatio: params.minRatio, ratios, errors, firstError };
    });
  }

  /**
   * Transpiles the children's JavaScript, runs `work`, and whatever happens stops every child
   * (by pid) and deletes the temporary folder and the JavaScript.
   */
  private async withChildren<T>(work: () => Promise<T>): Promise<T> {
    try {
      this.progress.begin('transpiling lib/, sample/ and bench/ for the child processes');
      this.jsRoot = buildBenchJs(REPO_ROOT);
      return await work();
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

  /**
   * `--only w5`: W5 alone (one acton-ts server and its load client), the exact and the pattern
   * side in alternating rounds as in the full run; the median of each.
   */
  async runPatternFanOutOnly(): Promise<{ exact: FanOutResult; patterns: FanOutResult }> {
    return this.withChildren(async () => {
      this.progress.begin('starting the acton-ts server and its load client');
      const [acton] = await this.startContenders(['acton-ts']);
      return this.measurePatternFanOut(acton);
    });
  }

  private async startContenders(
    names: readonly ('acton-ts' | 'baseline')[] = ['acton-ts', 'baseline'],
  ): Promise<Contender[]> {
    const contenders = names.map((name): Contender => {
      const { server, socketPath } = launchServer(name, this.jsRoot, this.dir, this.plan.stream.items);
      this.children.push(server);
      return { name, socketPath, server, client: this.spawn(`load client (${name})`, 'bench/client/load-client.ts') };
    });
    await Promise.all(contenders.flatMap((c) => [c.server.ready(), c.client.ready()]));
    return contenders;
  }

  /**
   * The same unmeasured sequential calls against every server, one after the other, before W1.
   * Why: W1 runs first, and its 2,000 warm-up calls per round left the JIT compiling through the
   * measured calls — acton-ts, with more code to optimize, was still compiling ~100 functions
   * 20,000 calls later (`--trace-opt`), so its first W1 round measured compilation. After this,
   * every round of every workload meets servers in their steady state, both treated alike.
   */
  private async warmUp(contenders: readonly Contender[]): Promise<void> {
    const params = this.plan.serverWarmUp;
    for (const contender of contenders) {
      this.progress.begin(`warm-up · ${params.calls} sequential calls · ${contender.name}`);
      const result = await contender.client.run<SequentialResult>(
        'sequential',
        { socketPath: contender.socketPath, params },
        WORKLOAD_TIMEOUT_MS,
        (text) => this.progress.update(text),
      );
      if (result.errors > 0)
        throw new Error(`${contender.name} answered ${result.errors} warm-up call(s) wrongly: ${result.firstError}`);
    }
  }

  private async runWorkloads(contenders: readonly Contender[]): Promise<Map<string, Record<string, unknown>>> {
    const results = new Map(
      contenders.map((c) => [c.name as string, { concurrent: [], rounds: {} } as Record<string, unknown>]),
    );
    const measure = async <R extends WorkloadOutcome>(
      label: string,
      task: string,
      params: unknown,
      primary: (result: R) => number,
      keep: (into: Record<string, unknown>, result: R) => void,
    ): Promise<void> => {
      const runs = new Map<string, R[]>(contenders.map((c) => [c.name, []]));
      for (let round = 0; round < this.plan.rounds; round++) {
        // Alternate who goes first, so that a slow spell elsewhere on the machine hits both alike.
        const order = round % 2 === 0 ? contenders : [...contenders].reverse();
        for (const contender of order) {
          this.progress.begin(
            `${label} · ${contender.name}${this.plan.rounds > 1 ? ` · round ${round + 1}/${this.plan.rounds}` : ''}`,
          );
          const cpuBefore = await contender.server.cpuMicroseconds();
          const result = await contender.client.run<R>(
            task,
            { socketPath: contender.socketPath, params },
            WORKLOAD_TIMEOUT_MS,
            (text) => this.progress.update(text),
          );
          const serverCpuUs = (await contender.server.cpuMicroseconds()) - cpuBefore;
          runs.get(contender.name)!.push({ ...result, serverCpuUsPerOp: serverCpuUs / Math.max(1, result.operations) });
        }
      }
      for (const contender of contenders) {
        const all = runs.get(contender.name)!;
        const into = results.get(contender.name)!;
        (into.rounds as Record<string, number[]>)[label] = all.map(primary);
        keep(into, medianBy(all, primary));
      }
    };
    const { sequential, concurrent, stream, fanOut } = this.plan;
    await measure<SequentialResult>(
      `W1 sequential ×${sequential.calls}`,
      'sequential',
      sequential,
      (r) => r.callsPerSecond,
      (into, r) => (into.sequential = r),
    );
    for (const shape of concurrent) {
      await measure<ConcurrentResult>(
        `W2 ${shape.connections}×${shape.inFlight} for ${shape.durationMs / 1000} s`,
        'concurrent',
        shape,
        (r) => r.callsPerSecond,
        (into, r) => (into.concurrent as ConcurrentResult[]).push(r),
      );
    }
    await measure<StreamResult>(
      `W3 stream of ${stream.items}`,
      'stream',
      stream,
      (r) => r.itemsPerSecond,
      (into, r) => (into.stream = r),
    );
    await measure<FanOutResult>(
      `W4 ${fanOut.broadcasts} broadcasts → ${fanOut.subscribers} subscribers`,
      'fan-out',
      fanOut,
      (r) => r.eventsPerSecondTotal,
      (into, r) => (into.fanOut = r),
    );
    // The peak of W1–W4, which both servers ran: W5's 1,000 subscriber connections are acton-ts's
    // alone, so a peak read after them compared a server holding 1,000 sockets with one that never did.
    const peaks = await Promise.all(contenders.map((c) => c.server.peakRssKilobytes()));
    contenders.forEach((c, i) => (results.get(c.name)!.serverRssKb = peaks[i]));
    const acton = contenders.find((c) => c.name === 'acton-ts')!;
    results.get(acton.name)!.patternFanOut = await this.measurePatternFanOut(acton);
    return results;
  }

  /**
   * W5 (docs/protocol.md §11.1), acton-ts only (the baseline has no patterns): the same fan-out
   * with exact subscriptions and with `noisePatterns` non-matching patterns plus one match per
   * subscriber, alternating which goes first; the median round of each.
   */
  private async measurePatternFanOut(acton: Contender): Promise<{ exact: FanOutResult; patterns: FanOutResult }> {
    const { patternFanOut } = this.plan;
    const variants = { exact: { ...patternFanOut, noisePatterns: undefined }, patterns: patternFanOut };
    const runs: Record<keyof typeof variants, FanOutResult[]> = { exact: [], patterns: [] };
    for (let round = 0; round < this.plan.rounds; round++) {
      const order: (keyof typeof variants)[] = round % 2 === 0 ? ['exact', 'patterns'] : ['patterns', 'exact'];
      for (const variant of order) {
        this.progress.begin(
          `W5 ${patternFanOut.broadcasts} broadcasts → ${patternFanOut.subscribers} subscribers · ${variant}`,
        );
        const cpuBefore = await acton.server.cpuMicroseconds();
        const params = { socketPath: acton.socketPath, params: variants[variant] };
        const result = await acton.client.run<FanOutResult>('fan-out', params, WORKLOAD_TIMEOUT_MS, (text) =>
          this.progress.update(text),
        );
        const serverCpuUs = (await acton.server.cpuMicroseconds()) - cpuBefore;
        runs[variant].push({ ...result, serverCpuUsPerOp: serverCpuUs / Math.max(1, result.operations) });
      }
    }
    const rate = (r: FanOutResult): number => r.eventsPerSecondTotal;
    return { exact: medianBy(runs.exact, rate), patterns: medianBy(runs.patterns, rate) };
  }

  private async withRss(
    contender: Contender,
    results: Record<string, unknown>,
    serverStartRssKb: number,
  ): Promise<ServerResults> {
    const [serverPeakKb, clientRssKb] = await Promise.all([
      contender.server.peakRssKilobytes(),
      contender.client.peakRssKilobytes(),
    ]);
    const measured = results as unknown as Omit<ServerResults, 'clientRssKb' | 'serverStartRssKb'>;
    return {
      ...measured,
      serverStartRssKb,
      ...(measured.patternFanOut ? { serverRssAfterW5Kb: serverPeakKb } : undefined),
      clientRssKb,
    };
  }

  private async runInProcess(): Promise<InProcessResult> {
    this.progress.begin('in-process app.ask() and Broker.broadcast');
    const child = this.spawn('in-process bench', 'bench/in-process/in-process-bench.ts');
    await child.ready();
    return child.run<InProcessResult>('in-process', this.plan.inProcess, WORKLOAD_TIMEOUT_MS);
  }

  /** The probes' in-process cost per message, in a fresh child (see `instrumentation-overhead.ts`). */
  private async runProbeOverhead(): Promise<ProbeOverhead[]> {
    this.progress.begin('in-process app.ask() with and without the observability probes');
    const child = this.spawn('probe overhead bench', 'bench/in-process/in-process-bench.ts');
    await child.ready();
    const params = this.plan.quick ? { rounds: 1, roundMs: 200 } : { rounds: 7, roundMs: 700 };
    return child.run<ProbeOverhead[]>('probes', params, WORKLOAD_TIMEOUT_MS);
  }

  private spawn(label: string, script: string, nodeOptions: readonly string[] = []): BenchChild {
    const child = new BenchChild(label, this.jsRoot, script, {}, nodeOptions);
    this.children.push(child);
    return child;
  }
}

/** The run whose `primary` figure is the median (the lower middle one for an even count). */
function medianBy<R>(runs: readonly R[], primary: (result: R) => number): R {
  const sorted = [...runs].sort((a, b) => primary(a) - primary(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
