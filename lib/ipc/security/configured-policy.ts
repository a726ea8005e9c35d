import type { SecurityConfig } from '../config/ipc-config';
import { allowListPolicy, sameUidPolicy } from './ready-policies';
import type { SecurityPolicy } from './security-policy';

/**
 * The listener's policy: the one given in code (`IpcModule.forRoot({ security: policy })`) wins;
 * else the ready-made one the `[security]` section selects; `undefined` for `policy = "none"`.
 */
export function effectivePolicy(
  fromCode: SecurityPolicy | undefined,
  config: SecurityConfig,
): SecurityPolicy | undefined {
  if (fromCode) return fromCode;
  switch (config.policy) {
    case 'same_uid':
      return sameUidPolicy();
    case 'allow_list':
      return allowListPolicy({ uids: config.allowedUids, gids: config.allowedGids });
    default:
      return undefined;
  }
}
