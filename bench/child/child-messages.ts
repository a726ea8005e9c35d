import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/**
 * What the bench parent and its child processes say to each other over Node's fork IPC channel
 * (not the acton socket). Every child answers `peak-rss` and `cpu-usage`; servers announce `ready`; the load
 * client and the in-process bench take `run` and answer `progress`* then `result` or `failed`.
 */

/** Parent → child. */
export type ParentMessage =
  | { readonly kind: 'peak-rss' }
  | { readonly kind: 'cpu-usage' }
  | { readonly kind: 'memory-usage' }
  | { readonly kind: 'run'; readonly id: number; readonly task: string; readonly params: unknown };

/** Child → parent. */
export type ChildMessage =
  | { readonly kind: 'ready'; readonly detail?: string }
  | { readonly kind: 'peak-rss'; readonly kilobytes: number }
  | { readonly kind: 'cpu-usage'; readonly microseconds: number }
  | { readonly kind: 'memory-usage'; readonly usage: MemoryReport }
  | { readonly kind: 'progress'; readonly id: number; readonly text: string }
  | { readonly kind: 'result'; readonly id: number; readonly result: unknown }
  | { readonly kind: 'failed'; readonly id?: number; readonly error: string };

/**
 * `process.memoryUsage()` plus the size of each V8 heap space (`new_space`, `old_space`,
 * `large_object_space`, ...), MB: which part of the heap total grew.
 */
export interface MemoryReport extends NodeJS.MemoryUsage {
  readonly spacesMb: Readonly<Record<string, number>>;
  /** V8's own malloc'd memory (compiler zones and such) now and at its peak, MB. */
  readonly mallocedMb: number;
  readonly peakMallocedMb: number;
  /** Resident memory by kind of mapping (Linux `/proc/self/smaps`), MB: files, the brk heap, anonymous. */
  readonly residentMb: { readonly file: number; readonly brk: number; readonly anonymous: number };
}

/** This process's memory now: what its RSS is made of (V8 heap per space, Buffers). */
export function memoryReport(): MemoryReport {
  const spacesMb: Record<string, number> = {};
  for (const space of getHeapSpaceStatistics()) spacesMb[space.space_name] = space.space_size / 1_048_576;
  const heap = getHeapStatistics();
  const mallocedMb = heap.malloced_memory / 1_048_576;
  const peakMallocedMb = heap.peak_malloced_memory / 1_048_576;
  return { ...process.memoryUsage(), spacesMb, mallocedMb, peakMallocedMb, residentMb: residentByMapping() };
}

/** Sums the `Rss:` lines of `/proc/self/smaps` per kind of mapping (zeros where there is no procfs). */
function residentByMapping(): { file: number; brk: number; anonymous: number } {
  const kb = { file: 0, brk: 0, anonymous: 0 };
  let smaps: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return kb;
  }
  let kind: keyof typeof kb = 'anonymous';
  for (const line of smaps.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (mapping) kind = mapping[1] === '[heap]' ? 'brk' : mapping[1].startsWith('/') ? 'file' : 'anonymous';
    else if (line.startsWith('Rss:')) kb[kind] += Number(line.slice(4).trim().split(' ')[0]);
  }
  return { file: kb.file / 1024, brk: kb.brk / 1024, anonymous: kb.anonymous / 1024 };
}

/** Sends `message` to the parent; a child started without an IPC channel throws at once. */
export function tellParent(message: ChildMessage): void {
  if (!process.send)
    throw new Error('This bench process must be started by bench/run.ts (it needs the fork IPC channel)');
  process.send(message);
}

/** Peak resident set size of this process so far, in kilobytes (`getrusage` ru_maxrss). */
export function peakRssKilobytes(): number {
  return process.resourceUsage().maxRSS;
}

/** CPU time (user + system) this process has used so far, in microseconds. */
export function cpuMicroseconds(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * Serves the parent's requests in a child: answers `peak-rss`, hands `run` to `runTask`
 * (its result or error goes back with the same id), and exits when the parent goes away.
 */
export function serveParent(
  runTask?: (task: string, params: unknown, progress: (text: string) => void) => Promise<unknown>,
): void {
  process.on('message', (message: ParentMessage) => {
    if (message.kind === 'peak-rss') return tellParent({ kind: 'peak-rss', kilobytes: peakRssKilobytes() });
    if (message.kind === 'cpu-usage') return tellParent({ kind: 'cpu-usage', microseconds: cpuMicroseconds() });
    if (message.kind === 'memory-usage') return tellParent({ kind: 'memory-usage', usage: memoryReport() });
    if (message.kind !== 'run') return;
    if (!runTask)
      return tellParent({
        kind: 'failed',
        id: message.id,
        error: `this process runs no tasks (asked for ${message.task})`,
      });
    const progress = (text: string): void => tellParent({ kind: 'progress', id: message.id, text });
    runTask(message.task, message.params, progress).then(
      (result) => tellParent({ kind: 'result', id: message.id, result }),
      (err: unknown) =>
        tellParent({
          kind: 'failed',
          id: message.id,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        }),
    );
  });
  process.on('disconnect', () => process.exit(0)); // the parent died or finished: never linger
}
