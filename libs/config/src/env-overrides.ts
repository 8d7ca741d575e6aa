import YAML from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatPath, known, type ConfigIssue } from './config-error.js';
import { describe, type SchemaNode } from './schema-walk.js';

const PREFIX = 'TESSERA__';
type Mapping = Record<string, unknown>;

const isMapping = (v: unknown): v is Mapping => typeof v === 'object' && v !== null && !Array.isArray(v);
// Case and `_`/`-` are ignored when matching schema keys: IDPGATEWAY, IDP_GATEWAY → idpGateway.
const fold = (s: string) => s.toLowerCase().replace(/[-_]/g, '');

/**
 * Reads an override value as YAML, so `[a, b]`, `{ file: /x }`, `5000` and `true` have their
 * YAML meaning. Text that YAML would not reproduce (a ` #` comment, a leading `*`, `&` or `!`,
 * `[::1]:50051`) is kept verbatim, since it is far more likely a password or an address than
 * intended YAML. An empty value or `null` removes the key so that the file's absence/defaults apply.
 */
export function parseOverrideValue(raw: string): unknown {
  const text = raw.trim();
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch {
    return raw;
  }
  if (value === null) return /^(~|null|Null|NULL)?$/.test(text) ? null : raw;
  if (typeof value === 'string') return value === text || /^['"]/.test(text) ? value : raw;
  if (typeof value === 'object') return /^(\[[\s\S]*\]|\{[\s\S]*\})$/.test(text) ? value : raw;
  return value;
}

/**
 * Applies `TESSERA__<PATH>` variables to the parsed file, before validation. PATH segments are
 * joined with `__` and matched case-insensitively against the schema's keys; map keys (user
 * names, IdP names) match an existing key case-insensitively, else are used as written.
 */
export function applyEnvOverrides(file: Mapping, env: NodeJS.ProcessEnv, schema: z.core.$ZodType): Mapping {
  const issues: ConfigIssue[] = [];
  const names = Object.keys(env)
    .filter((name) => name.startsWith(PREFIX))
    // Parents first, so TESSERA__APPS__X={...} does not erase TESSERA__APPS__X__GRPC.
    .sort((a, b) => a.split('__').length - b.split('__').length || a.localeCompare(b));
  for (const name of names) {
    const problem = applyOne(file, name, env[name] ?? '', schema);
    if (problem !== undefined) issues.push({ path: name, message: problem });
  }
  if (issues.length > 0) throw new ConfigError(issues, 'environment');
  return file;
}

const noKeys = (path: string[]) => `${formatPath(path)} has no keys to set (a list is set whole, e.g. =[a, b])`;

function applyOne(file: Mapping, name: string, raw: string, schema: z.core.$ZodType): string | undefined {
  const segments = name.slice(PREFIX.length).split('__');
  if (segments.some((s) => s === '')) return 'empty key in the variable name';
  const path: string[] = [];
  let container: Mapping = file;
  let current: z.core.$ZodType | undefined = schema;
  for (const [i, segment] of segments.entries()) {
    const node: SchemaNode = current === undefined ? { kind: 'leaf' } : describe(current);
    let key: string;
    if (node.kind === 'object') {
      const match = node.keys.find((k) => fold(k) === fold(segment));
      if (match === undefined) return `unknown key ${JSON.stringify(segment)} under ${formatPath(path)} ${known(node.keys)}`;
      key = match;
      current = node.child(match);
    } else if (node.kind === 'record') {
      key = matchMapKey(Object.keys(container), segment);
      current = node.value;
    } else {
      return noKeys(path);
    }
    path.push(key);
    if (i === segments.length - 1) {
      const value = parseOverrideValue(raw);
      if (value === null) delete container[key];
      else container[key] = value;
      return undefined;
    }
    if (current === undefined || describe(current).kind === 'leaf') return noKeys(path);
    const next = Object.hasOwn(container, key) ? container[key] : {};
    if (!isMapping(next)) return `${formatPath(path)} is not a mapping in the file`;
    container[key] = next;
    container = next;
  }
  return undefined;
}

/**
 * A map key (user, IdP, group name) keeps its case: an existing key that matches ignoring case
 * wins, then one matching also ignoring `-`/`_` (DEV_IDP → dev-idp, since shells cannot export
 * names with `-`) if that is unambiguous; otherwise the variable's spelling creates a new entry.
 */
function matchMapKey(existing: string[], segment: string): string {
  const exact = existing.find((k) => k.toLowerCase() === segment.toLowerCase());
  if (exact !== undefined) return exact;
  const folded = existing.filter((k) => fold(k) === fold(segment));
  return folded.length === 1 && folded[0] !== undefined ? folded[0] : segment;
}
