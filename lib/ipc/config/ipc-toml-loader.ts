import * as fs from 'node:fs';
import { closestKey } from './closest-key';
import type { ConfigLogger, ConfigSetting } from './config-setting';
import { IPC_CONFIG_KEYS, keyFromTomlName, TOML_KEYS } from './ipc-config-keys';
import { describeValue } from './describe-value';
import { parseToml } from './toml-parser';

const TOML_NAMES = IPC_CONFIG_KEYS.map((key) => TOML_KEYS[key]);
const TOML_SECTIONS = [...new Set(TOML_NAMES.map((name) => name.split('.')[0]!))];

/**
 * Reads and parses one `ipc.toml` and returns its settings (acton's sections and snake_case
 * keys, PROTOCOL.md §5.7), not yet validated. Every key is optional. Unknown sections and keys
 * are ignored, as the reference does, but each is reported through `logger.warn` with a
 * "did you mean" hint, since a typo is the usual cause.
 *
 * @throws Error when the file cannot be read, or (PROTOCOL.md §0 D8: the reference would log and
 *   fall back to defaults) when it fails to parse: the message names the file, line, column and
 *   the parser's reason, with the offending line. Also when a known section is not a table.
 */
export function loadIpcToml(filePath: string, logger: ConfigLogger): ConfigSetting[] {
  const parsed = parseToml(readText(filePath));
  if (!parsed.ok) {
    const { line, column, reason, excerpt } = parsed.problem;
    throw new Error(
      `Failed to parse IPC config file ${filePath} at line ${line}, column ${column}: ${reason}\n${excerpt}` +
        'Fix the TOML syntax there (or remove the file to use the defaults).',
    );
  }
  return tableSettings(parsed.table, filePath, logger);
}

function readText(filePath: string): string {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot read IPC config file ${filePath}: ${reason}. Check the file's permissions.`);
  }
}

function tableSettings(table: Record<string, unknown>, filePath: string, logger: ConfigLogger): ConfigSetting[] {
  const settings: ConfigSetting[] = [];
  for (const [section, body] of Object.entries(table)) {
    if (!TOML_SECTIONS.includes(section)) {
      warnUnknown(isTable(body) ? `section [${section}]` : `key ${section}`, section, filePath, logger);
      continue;
    }
    if (!isTable(body)) {
      throw new Error(
        `Invalid IPC configuration: ${section} (set in ${filePath}) is ${describeValue(body)}, ` +
          `but it must be a table: write its keys under a [${section}] header.`,
      );
    }
    settings.push(...sectionSettings(section, body, filePath, logger));
  }
  return settings;
}

function sectionSettings(section: string, body: Record<string, unknown>, filePath: string, logger: ConfigLogger): ConfigSetting[] {
  const settings: ConfigSetting[] = [];
  for (const [field, value] of Object.entries(body)) {
    const label = `${section}.${field}`;
    const key = keyFromTomlName(label);
    if (key === undefined) warnUnknown(`key ${label}`, label, filePath, logger);
    else settings.push({ key, label, origin: filePath, value });
  }
  return settings;
}

function warnUnknown(what: string, name: string, filePath: string, logger: ConfigLogger): void {
  const suggestion = closestKey(name, name.includes('.') ? TOML_NAMES : [...TOML_SECTIONS, ...TOML_NAMES]);
  const hint = suggestion === undefined ? ' (check the spelling against the documented keys)' : ` (did you mean ${suggestion}?)`;
  logger.warn(`Ignoring unknown ${what} in IPC config file ${filePath}${hint}.`);
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
