import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The activation records the chaos fixture writes (`fixtures/keyed-actors.ts`, CHAOS_RECORDS: one
 * file per node process), read back to check that no two activations of a key ran handlers at once.
 */

/** One activation of a key, as the node processes recorded it (`fixtures/keyed-actors.ts`). */
export interface ActivationRecord {
  readonly key: string;
  readonly activation: string;
  readonly claimRevision: number;
  readonly start: number;
  end: number;
}

/**
 * Every recorded activation, ending when its last handler started (an activation suspended by a
 * lease lapse and then found taken over stops late, but starts nothing meanwhile; see the fixture's
 * `record`); one whose process was killed -9 before it ended ends at the kill (`killedAt` by pid),
 * one still running at the end of the run ends at +Infinity.
 */
export function readActivations(dir: string, killedAt: Map<number, number>): ActivationRecord[] {
  const byId = new Map<string, ActivationRecord>();
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const [kind, key = '', activation = '', a = '', b = ''] = line.split(' ');
      const id = `${key} ${activation}`;
      if (kind === 'S') {
        const pid = Number(/:(\d+)#/.exec(activation)?.[1]);
        byId.set(id, {
          key,
          activation,
          claimRevision: Number(a),
          start: Number(b),
          end: killedAt.get(pid) ?? Number.POSITIVE_INFINITY,
        });
      } else if (kind === 'E' && byId.has(id)) byId.get(id)!.end = Number(b || a); // its last handler's start
    }
  }
  return [...byId.values()];
}

/** Node lease lapses and key moves, summed over every node process (their last `C` line). */
export function lapsesAndMoves(dir: string): { lapses: number; moves: number } {
  let lapses = 0;
  let moves = 0;
  for (const file of readdirSync(dir)) {
    const last = readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('C '))
      .pop();
    if (!last) continue;
    const [, l = '0', m = '0'] = last.split(' ');
    lapses += Number(l);
    moves += Number(m);
  }
  return { lapses, moves };
}

/**
 * Pairs of activations of one key where the earlier one started a handler after the later one
 * started, and claim revisions that went backwards.
 */
export function overlaps(records: ActivationRecord[]): string[] {
  const byKey = new Map<string, ActivationRecord[]>();
  for (const record of records) byKey.set(record.key, [...(byKey.get(record.key) ?? []), record]);
  const problems: string[] = [];
  for (const [key, list] of byKey) {
    list.sort((x, y) => x.start - y.start);
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1]!;
      const after = list[i]!;
      if (after.start < before.end)
        problems.push(`${key}: ${after.activation} started before ${before.activation} started its last handler`);
      if (after.claimRevision > 0 && before.claimRevision > 0 && after.claimRevision <= before.claimRevision)
        problems.push(`${key}: claim revision ${after.claimRevision} after ${before.claimRevision}`);
    }
  }
  return problems;
}
