import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** One function's share of a profile. */
export interface HotFunction {
  readonly name: string;
  readonly where: string;
  /** Self time in ms. */
  readonly selfMs: number;
  /** Self time as a share of all samples, 0–1. */
  readonly share: number;
}

/** Node's callback for bytes read from a socket: a server's first sample under it ends its start-up. */
const SOCKET_READ_FRAME = 'onStreamRead';

/**
 * Self time per function of a `.cpuprofile` written by `node --cpu-prof`, largest first
 * (`(idle)` excluded from the shares, so they are shares of busy time). Samples before the
 * first socket read (module loading, start-up) are left out, so that the figures are the
 * workload's alone.
 * @param root paths are shown relative to it
 */
export function hotFunctions(path: string, root: string, limit = 25): HotFunction[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let busyUs = 0;
  for (let i = firstSocketRead(profile, byId); i < samples.length; i++) {
    const node = byId.get(samples[i]);
    if (!node) continue;
    const us = deltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busyUs += us;
    const where = url ? `${relative(root, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = selfUs.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
  }
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1_000, share: busyUs > 0 ? e.us / busyUs : 0 }));
}

/** Index of the first sample taken under a socket read callback (0 when there is none). */
function firstSocketRead(profile: CpuProfile, byId: ReadonlyMap<number, ProfileNode>): number {
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const samples = profile.samples ?? [];
  for (let i = 0; i < samples.length; i++) {
    for (let id: number | undefined = samples[i]; id !== undefined; id = parentOf.get(id)) {
      if (byId.get(id)?.callFrame.functionName === SOCKET_READ_FRAME) return i;
    }
  }
  return 0;
}
