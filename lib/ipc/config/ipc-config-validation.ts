import * as path from 'node:path';
import {
  type ConfigLogger,
  type ConfigSetting,
  type IpcConfig,
  type IpcConfigKey,
  MAX_MESSAGE_SIZE_HARD_LIMIT,
  type SecurityPolicyName,
} from './ipc-config';

/**
 * Validation: one rule per setting (type and range, in the user's own terms), plus the rules
 * that involve more than one setting. A bad value is a startup error that names the key as the
 * user wrote it, where it was set, the value, and what is allowed (docs/protocol.md §0 D8).
 */

/** What validation needs besides the setting itself. */
export interface ValidationContext {
  /** Base directory for a relative `socket.path`. */
  readonly cwd: string;
  /** Receives the warning when `limits.max_message_size` is clamped. */
  readonly logger: ConfigLogger;
}

/**
 * Largest accepted millisecond value: Node's timers fire at once for delays above 2^31−1 ms
 * (about 24.8 days, docs/protocol.md §9), so a larger timeout would silently become "immediately".
 */
export const MAX_TIMEOUT_MS = 2_147_483_647;

type Rule = (setting: ConfigSetting, ctx: ValidationContext) => unknown;

const count =
  (unit: string): Rule =>
  (s) =>
    integer(s, 1, Number.MAX_SAFE_INTEGER, unit);
const millis =
  (zeroMeans: string): Rule =>
  (s) =>
    integer(s, 0, MAX_TIMEOUT_MS, `milliseconds; 0 = ${zeroMeans}`);

const RULES: Readonly<Record<IpcConfigKey, Rule>> = {
  'socket.path': socketPath,
  'socket.mode': socketMode,
  'socket.appName': appName,
  'limits.maxConnections': count('concurrent connections'),
  'limits.maxMessageSize': maxMessageSize,
  'limits.pushBufferSize': count('notifications per connection'),
  'rateLimit.enabled': boolean,
  // 0 is let through here; `checkIpcConfig` rejects it while rate limiting is on (§5.1).
  'rateLimit.requestsPerSecond': (s) => integer(s, 0, Number.MAX_SAFE_INTEGER, 'tokens per second'),
  'rateLimit.burstSize': count('tokens'),
  'timeouts.requestTimeoutMs': millis('none'),
  'timeouts.readTimeoutMs': millis('none'),
  'timeouts.writeTimeoutMs': millis('none'),
  'timeouts.subscriptionReadTimeoutMs': millis('none'),
  'shutdown.drainTimeoutMs': millis('do not wait'),
  'compat.serial': boolean,
  'compat.handlerErrors': handlerErrors,
  'security.policy': securityPolicy,
  'security.allowedUids': idList('uids'),
  'security.allowedGids': idList('gids'),
};

/**
 * Checks one setting's type and range and returns the value to use: relative socket paths are
 * resolved against `ctx.cwd`; `limits.max_message_size` above 16 MiB is clamped to 16 MiB with
 * a warning (docs/protocol.md §1.3: the effective limit is min(configured, hard), and checklist
 * item 10 expects such a configuration to start).
 *
 * @throws Error whose message names the key as the user wrote it, where it was set, the
 *   offending value and what is allowed (docs/protocol.md §0 D8).
 */
export function validateSetting(setting: ConfigSetting, ctx: ValidationContext): unknown {
  return RULES[setting.key](setting, ctx);
}

/**
 * Checks rules that involve more than one setting, on the merged configuration:
 * `requests_per_second = 0` with rate limiting on is rejected (docs/protocol.md §5.1: the reference's
 * arithmetic breaks; a connection would never get a token back after its burst).
 *
 * @param setBy the setting that supplied each key's final value (absent: built-in default)
 * @throws Error naming the keys involved and where they were set.
 */
export function checkIpcConfig(
  config: Pick<IpcConfig, 'rateLimit'>,
  setBy: (key: IpcConfigKey) => ConfigSetting | undefined,
): void {
  if (!config.rateLimit.enabled || config.rateLimit.requestsPerSecond !== 0) return;
  const rps = setBy('rateLimit.requestsPerSecond');
  const enabled = setBy('rateLimit.enabled');
  const enabledBy =
    enabled === undefined ? 'rate limiting is on by default' : `${enabled.label} is true in ${enabled.origin}`;
  throw new Error(
    `Invalid IPC configuration: ${rps?.label ?? 'rate_limit.requests_per_second'} ` +
      `(set in ${rps?.origin ?? 'the defaults'}) is 0, ` +
      `but it must be an integer ≥ 1 while rate limiting is enabled (${enabledBy}). ` +
      'Set it to at least 1, or disable rate limiting (rate_limit.enabled = false).',
  );
}

/**
 * The one message shape for a bad value: key as written, origin, value, what is allowed.
 * `shown` replaces the default rendering of the value (e.g. to add its octal form).
 */
function invalid(s: ConfigSetting, expectation: string, hint = '', shown = describeValue(s.value)): Error {
  return new Error(
    `Invalid IPC configuration: ${s.label} (set in ${s.origin}) is ${shown}, ` +
      `but it must be ${expectation}.${hint ? ` ${hint}` : ''}`,
  );
}

function integer(s: ConfigSetting, min: number, max: number, unit: string): number {
  const value = s.value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  throw invalid(s, `an integer ${range} (${unit})`, quotedNumberHint(value));
}

function quotedNumberHint(value: unknown): string {
  return typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? 'Write the number without quotes.' : '';
}

function maxMessageSize(s: ConfigSetting, ctx: ValidationContext): number {
  const value = s.value;
  const isBig = typeof value === 'bigint' && value > BigInt(MAX_MESSAGE_SIZE_HARD_LIMIT);
  const isLarge = typeof value === 'number' && Number.isInteger(value) && value > MAX_MESSAGE_SIZE_HARD_LIMIT;
  if (!isBig && !isLarge) return integer(s, 1, MAX_MESSAGE_SIZE_HARD_LIMIT, 'bytes; the protocol caps it at 16 MiB');
  ctx.logger.warn(
    `${s.label} (set in ${s.origin}) is ${describeValue(value)}, above the protocol's hard limit of ` +
      `${MAX_MESSAGE_SIZE_HARD_LIMIT} bytes (16 MiB, docs/protocol.md §1.3); using ${MAX_MESSAGE_SIZE_HARD_LIMIT}.`,
  );
  return MAX_MESSAGE_SIZE_HARD_LIMIT;
}

function socketMode(s: ConfigSetting): number {
  const value = s.value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o777) return value;
  const octal = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? ` (0o${value.toString(8)})` : '';
  throw invalid(
    s,
    'an integer from 0 to 0o777 (511), a file mode such as 0o660',
    modeHint(value),
    describeValue(value) + octal,
  );
}

function modeHint(value: unknown): string {
  const digits =
    typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().replace(/^0o/i, '') : '';
  if (!/^[0-7]{3,4}$/.test(digits) || parseInt(digits, 8) > 0o777) return '';
  const literal = `0o${digits.replace(/^0(?=\d{3})/, '')}`;
  return typeof value === 'string'
    ? `Write the octal literal ${literal} without quotes.`
    : `Did you mean ${literal}? A mode without the 0o prefix is read as decimal.`;
}

function socketPath(s: ConfigSetting, ctx: ValidationContext): string {
  if (typeof s.value !== 'string' || s.value.trim() === '' || s.value.includes('\0')) {
    throw invalid(s, 'a non-empty file path (absolute, or relative to the working directory)');
  }
  return path.resolve(ctx.cwd, s.value);
}

function appName(s: ConfigSetting): string {
  const value = s.value;
  const ok =
    typeof value === 'string' && value.trim() !== '' && !/[/\\\0]/.test(value) && value !== '.' && value !== '..';
  if (!ok) throw invalid(s, 'a non-empty name without "/" (it becomes a directory of the socket path, §5.6)');
  return value;
}

function boolean(s: ConfigSetting): boolean {
  if (typeof s.value === 'boolean') return s.value;
  const hint = s.value === 'true' || s.value === 'false' ? 'Write it without quotes.' : '';
  throw invalid(s, 'true or false', hint);
}

function handlerErrors(s: ConfigSetting): 'reported' | 'hidden' {
  if (s.value === 'reported' || s.value === 'hidden') return s.value;
  throw invalid(
    s,
    '"reported" (errors reach the caller, docs/protocol.md §0 D1) or "hidden" (the reference\'s no-reply IO_ERROR)',
  );
}

/**
 * A configuration value as an error message shows it: strings quoted, integers as digits
 * (including `bigint`), arrays and tables as JSON, so a user can find it in their file or code.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (value instanceof Date) return `the date ${value.toString()}`;
  if (typeof value === 'object' && value !== null) return compactJson(value);
  return String(value);
}

function compactJson(value: object): string {
  try {
    const json = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function securityPolicy(s: ConfigSetting): SecurityPolicyName {
  if (s.value === 'none' || s.value === 'same_uid' || s.value === 'allow_list') return s.value;
  throw invalid(
    s,
    '"none", "same_uid" (admit only the server\'s own uid) or "allow_list" (admit allowed_uids / allowed_gids)',
  );
}

/** `security.allowed_uids` / `allowed_gids` (docs/protocol.md §11.2). */
function idList(what: string): Rule {
  return (s) => {
    const value = s.value;
    const isId = (id: unknown): boolean =>
      typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffffffff;
    if (Array.isArray(value) && value.every(isId)) return Object.freeze([...(value as number[])]);
    throw invalid(s, `an array of ${what} (integers from 0 to 4294967295), e.g. [1000, 1001]`);
  };
}
