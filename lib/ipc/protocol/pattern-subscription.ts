import { FieldTable, Parsed, parseStruct } from './inbound-validation';

/** Longest pattern, in UTF-8 bytes (docs/protocol.md §11.1). */
export const MAX_PATTERN_BYTES = 256;
/** Most patterns in one request (counted before de-duplication) and held by one connection (§11.1). */
export const MAX_PATTERNS_PER_CONNECTION = 128;

/** The reference's exact error texts for pattern frames (docs/protocol.md §11.1). */
export const PatternErrors = {
  TOO_LONG: `pattern exceeds ${MAX_PATTERN_BYTES} UTF-8 bytes`,
  NOT_ONE_TERMINAL_STAR: "pattern must contain exactly one terminal '*'",
  LIMIT_EXCEEDED: `pattern limit of ${MAX_PATTERNS_PER_CONNECTION} exceeded`,
  RATE_LIMITED: 'Pattern subscription request rate limit exceeded',
} as const;

/** SubscribePatterns (0x0a) / UnsubscribePatterns (0x0b) request body (§11.1). */
export interface PatternSubscriptionRequest {
  readonly correlation_id: string;
  readonly patterns: readonly string[];
}

/** Answer to a pattern frame: always sent as `0x02`, even when `success` is false (§11.1). */
export interface PatternSubscriptionResponse {
  readonly correlation_id: string;
  readonly success: boolean;
  readonly error?: string;
  /** Every pattern the connection holds after the operation, sorted; `[]` on failure. */
  readonly subscribed_patterns: readonly string[];
}

/** SubscribePatterns (0x0a) / UnsubscribePatterns (0x0b) request, docs/protocol.md §11.1. */
const PATTERN_FIELDS: FieldTable = { correlation_id: 'string', patterns: 'string[]' };

/**
 * A decoded pattern frame body: `correlation_id` (string) and `patterns` (array of strings) both
 * required; extra fields ignored. A failure is answered `Parse error: …` (docs/protocol.md §11.1).
 * @param struct the reference's struct name, used in the detail of a non-map body
 */
export function parsePatternSubscriptionRequest(
  body: unknown,
  struct = 'IpcSubscribePatternsRequest',
): Parsed<PatternSubscriptionRequest> {
  return parseStruct<PatternSubscriptionRequest>(body, struct, PATTERN_FIELDS);
}

/**
 * Why one pattern is invalid, or `undefined` when it is valid (§11.1): a literal, case-sensitive
 * prefix followed by exactly one `*` at the very end (`*` alone matches every name). The length
 * is checked first.
 */
export function patternProblem(pattern: string): string | undefined {
  if (Buffer.byteLength(pattern, 'utf8') > MAX_PATTERN_BYTES) return PatternErrors.TOO_LONG;
  const star = pattern.indexOf('*');
  if (star < 0 || star !== pattern.length - 1) return PatternErrors.NOT_ONE_TERMINAL_STAR;
  return undefined;
}

/**
 * Validates a whole request, all or nothing (§11.1): more than 128 entries (before
 * de-duplication) fails, then the first invalid pattern fails the request. Unsubscribe validates
 * the same way. Returns the error text, or `undefined` when every pattern is valid.
 */
export function patternListProblem(patterns: readonly string[]): string | undefined {
  if (patterns.length > MAX_PATTERNS_PER_CONNECTION) return PatternErrors.LIMIT_EXCEEDED;
  for (const pattern of patterns) {
    const problem = patternProblem(pattern);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * True when `name` is meant as a pattern (it holds a `*`); clients send it as a pattern frame,
 * where the server checks its form.
 */
export function isPattern(name: string): boolean {
  return name.includes('*');
}
