import { closestKey } from './closest-key';
import type { ConfigLogger, ConfigSetting } from './config-setting';
import { describeValue } from './describe-value';
import type { IpcConfigOverrides } from './ipc-config';
import { IPC_CONFIG_KEYS, keyFromCodeName } from './ipc-config-keys';

/** How `IpcModule.forRoot()` options are credited in messages. */
export const OVERRIDES_ORIGIN = 'IpcModule.forRoot()';

const SECTIONS = [...new Set(IPC_CONFIG_KEYS.map((key) => key.split('.')[0]!))];

/**
 * The `IpcModule.forRoot({...})` layer as settings (camelCase keys, not yet validated).
 * `configFile` is not a setting and is skipped; `undefined` values count as "not given", so
 * `{ path: process.env.X }` works. Unknown sections/keys (possible from JavaScript or a cast)
 * are ignored with a warning naming them.
 *
 * @throws Error when a section is given as something other than an object.
 */
export function overrideSettings(overrides: IpcConfigOverrides, logger: ConfigLogger): ConfigSetting[] {
  const settings: ConfigSetting[] = [];
  for (const [section, body] of Object.entries(overrides)) {
    if (section === 'configFile' || body === undefined) continue;
    if (!SECTIONS.includes(section)) {
      warnUnknown(section, logger);
      continue;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new Error(
        `Invalid IPC configuration: ${section} (set in ${OVERRIDES_ORIGIN}) is ${describeValue(body)}, ` +
          `but it must be an object such as { ${section}: { ... } }.`,
      );
    }
    settings.push(...sectionSettings(section, body as Record<string, unknown>, logger));
  }
  return settings;
}

function sectionSettings(section: string, body: Record<string, unknown>, logger: ConfigLogger): ConfigSetting[] {
  const settings: ConfigSetting[] = [];
  for (const [field, value] of Object.entries(body)) {
    if (value === undefined) continue;
    const label = `${section}.${field}`;
    const key = keyFromCodeName(label);
    if (key === undefined) warnUnknown(label, logger);
    else settings.push({ key, label, origin: OVERRIDES_ORIGIN, value });
  }
  return settings;
}

function warnUnknown(name: string, logger: ConfigLogger): void {
  const suggestion = closestKey(name, name.includes('.') ? IPC_CONFIG_KEYS : SECTIONS);
  const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  logger.warn(`Ignoring unknown option ${name} in ${OVERRIDES_ORIGIN}${hint}.`);
}
