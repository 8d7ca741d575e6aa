import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import YAML, { LineCounter } from 'yaml';
import { ConfigError } from './config-error.js';
import { withBaseDir } from './config-path.js';
import { rememberSource } from './config-source.js';
import { applyEnvOverrides } from './env-overrides.js';
import { tesseraConfigSchema, type TesseraConfig } from './tessera-config.js';
import { issueMessage, toConfigIssues } from './zod-issues.js';

export interface LoadConfigOptions {
  /** The YAML file; default `$TESSERA_CONFIG`, else `config/dev.yaml`. Relative to baseDir. */
  file?: string;
  /** Where `TESSERA_CONFIG` and `TESSERA__*` overrides are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Directory that relative paths are resolved against: the config file's own path and every
   * path inside it (tls files, secret files, the SQLite database). Default process.cwd(), so
   * `npm start` from the repository root finds `.dev/pki/...` whatever the config file's location.
   */
  baseDir?: string;
}

/**
 * Reads the configuration file, applies `TESSERA__*` environment overrides and validates the
 * result. Throws ConfigError listing every problem; call it once at start-up.
 */
export function loadConfig(options: LoadConfigOptions = {}): TesseraConfig {
  const env = options.env ?? process.env;
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const absolute = resolve(baseDir, options.file ?? env['TESSERA_CONFIG'] ?? 'config/dev.yaml');
  const shown = relative(process.cwd(), absolute);
  const source = shown.startsWith('..') || isAbsolute(shown) ? absolute : shown;

  const file = readYaml(absolute, source);
  applyEnvOverrides(file, env, tesseraConfigSchema);
  const result = withBaseDir(baseDir, () => tesseraConfigSchema.safeParse(file, { error: issueMessage }));
  if (!result.success) throw new ConfigError(toConfigIssues(result.error, tesseraConfigSchema), source);
  rememberSource(result.data, source);
  return result.data;
}

function readYaml(path: string, source: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([{ path: '(file)', message: `cannot read ${path} (${code})` }], source, { cause: error });
  }
  // prettyErrors would quote the offending line, which may hold a secret; keep position only.
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { path: `line ${line}, column ${col}`, message: `YAML syntax error: ${e.message}` };
      }),
      source,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // e.g. alias expansion beyond yaml's limit (a "billion laughs" document).
    throw new ConfigError([{ path: '(file)', message: `YAML error: ${(error as Error).message}` }], source);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([{ path: '(root)', message: 'expected a mapping of settings' }], source);
  }
  return data as Record<string, unknown>;
}
