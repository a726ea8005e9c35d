import type { HandlerKind } from '../index';

/**
 * How a Nest pattern names an acton handler: the exposed actor (`target` on the wire) and the
 * message type (`message_type`), docs/protocol.md §2.2.
 *
 * - Object form: `@MessagePattern({ actor: 'calculator', type: 'AddRequest' })`. An optional
 *   `kind: 'stream'` tells discovery (and `ActonClientProxy`) that the handler answers with a
 *   stream; `@EventPattern` handlers are `fire-and-forget` without saying so.
 * - String form: `'calculator.AddRequest'`: the actor is the text before the first `.`.
 *
 * The same pattern works on Nest's other transports (it is just a Nest pattern), so one
 * controller can answer on TCP and on acton at once.
 */
export type ActonPattern = ActonPatternObject | `${string}.${string}`;

/** The object form of an `ActonPattern`. */
export interface ActonPatternObject {
  /** Exposed actor name (the envelope's `target`). */
  readonly actor: string;
  /** Message type (the envelope's `message_type`). */
  readonly type: string;
  /** Advertised reply shape; default `request` (`fire-and-forget` for `@EventPattern`). */
  readonly kind?: 'request' | 'stream';
}

/** An acton address parsed from a Nest pattern. */
export interface ActonRoute {
  readonly actor: string;
  readonly type: string;
  readonly kind?: HandlerKind;
}

/**
 * Parses a Nest pattern (as written in the decorator, or as Nest normalised it into a route
 * string: object keys sorted, JSON) into an actor + message type.
 * @returns the route, or `undefined` when the pattern is neither form
 */
export function parseActonPattern(pattern: unknown): ActonRoute | undefined {
  if (typeof pattern === 'string') {
    const trimmed = pattern.trim();
    if (trimmed.startsWith('{')) {
      try {
        return parseActonPattern(JSON.parse(trimmed));
      } catch {
        return undefined;
      }
    }
    const dot = trimmed.indexOf('.');
    if (dot <= 0 || dot === trimmed.length - 1) return undefined;
    return { actor: trimmed.slice(0, dot), type: trimmed.slice(dot + 1) };
  }
  if (pattern === null || typeof pattern !== 'object') return undefined;
  const { actor, type, kind } = pattern as Record<string, unknown>;
  if (typeof actor !== 'string' || actor === '' || typeof type !== 'string' || type === '') return undefined;
  if (kind === 'stream' || kind === 'request') return { actor, type, kind };
  return { actor, type };
}

/** The error text for a pattern that names no acton handler, saying what to write instead. */
export function describeUnroutablePattern(pattern: unknown): string {
  const shown = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  return (
    `Nest pattern ${shown} does not name an acton actor and message type; ` +
    "write { actor: 'calculator', type: 'AddRequest' } or 'calculator.AddRequest'"
  );
}
