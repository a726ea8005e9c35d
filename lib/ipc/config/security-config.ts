import type { ConfigSetting } from './config-setting';
import { describeValue } from './describe-value';

/** The ready-made policies the `[security]` section of `ipc.toml` can select (docs/protocol.md §11.2). */
export type SecurityPolicyName = 'none' | 'same_uid' | 'allow_list';

/**
 * The `[security]` section of `ipc.toml` (ours; acton-reactive 9.4 takes its policy in code):
 *
 * ```toml
 * [security]
 * policy = "allow_list"      # "none" (default) | "same_uid" | "allow_list"
 * allowed_uids = [1000, 1001] # allow_list: a peer whose uid OR gid is listed is admitted
 * allowed_gids = [100]
 * ```
 *
 * A policy given in code (`IpcModule.forRoot({ security: policy })`) replaces this section.
 */
export interface SecurityConfig {
  readonly policy: SecurityPolicyName;
  readonly allowedUids: readonly number[];
  readonly allowedGids: readonly number[];
}

/** Built-in defaults: no policy (the listener behaves exactly as without 9.4). */
export const SECURITY_DEFAULTS: SecurityConfig = Object.freeze({ policy: 'none', allowedUids: Object.freeze([]), allowedGids: Object.freeze([]) });

/** `ipc.toml` names of the section's keys (spread into `TOML_KEYS`). */
export const SECURITY_TOML_KEYS = Object.freeze({
  'security.policy': 'security.policy',
  'security.allowedUids': 'security.allowed_uids',
  'security.allowedGids': 'security.allowed_gids',
} as const);

/** Validation rules of the section's keys (spread into the validator's rules). */
export const SECURITY_RULES = Object.freeze({
  'security.policy': policyName,
  'security.allowedUids': idList('uids'),
  'security.allowedGids': idList('gids'),
});

function policyName(s: ConfigSetting): SecurityPolicyName {
  if (s.value === 'none' || s.value === 'same_uid' || s.value === 'allow_list') return s.value;
  throw invalid(s, '"none", "same_uid" (admit only the server\'s own uid) or "allow_list" (admit allowed_uids / allowed_gids)');
}

function idList(what: string): (s: ConfigSetting) => readonly number[] {
  return (s) => {
    const value = s.value;
    const isId = (id: unknown): boolean => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffffffff;
    if (Array.isArray(value) && value.every(isId)) return Object.freeze([...(value as number[])]);
    throw invalid(s, `an array of ${what} (integers from 0 to 4294967295), e.g. [1000, 1001]`);
  };
}

function invalid(s: ConfigSetting, expectation: string): Error {
  return new Error(`Invalid IPC configuration: ${s.label} (set in ${s.origin}) is ${describeValue(s.value)}, but it must be ${expectation}.`);
}
