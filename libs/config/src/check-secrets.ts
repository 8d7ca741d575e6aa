import { ConfigError, formatPath, type ConfigIssue } from './config-error.js';
import { sourceOf } from './config-source.js';
import { Secret, SecretFileError } from './secret.js';
import type { TesseraConfig } from './tessera-config.js';

/** An extra rule for the values of the secrets checked (e.g. a minimum length). */
export type SecretRule = (value: string) => string | undefined;

/**
 * Reads every secret under `path` of the configuration (e.g. `idps`, `apps.idpGateway`) once, so
 * that an app whose own secret file is missing or empty stops at start-up with a ConfigError
 * naming the key, not at its first request. Secrets elsewhere in the file are left alone: they
 * belong to other apps and need not be mounted in this one's pod.
 */
export function checkSecrets(config: TesseraConfig, path: readonly string[], rule?: SecretRule): void {
  let value: unknown = config;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  const issues: ConfigIssue[] = [];
  visit(value, [...path], (secret, at) => {
    try {
      // Revealed first: `rule?.(secret.reveal())` would skip the read when there is no rule.
      const revealed = secret.reveal();
      const problem = rule?.(revealed);
      if (problem) issues.push({ path: formatPath(at), message: problem });
    } catch (error) {
      if (!(error instanceof SecretFileError)) throw error;
      issues.push({ path: formatPath([...at, 'file']), message: error.message });
    }
  });
  if (issues.length > 0) throw new ConfigError(issues, sourceOf(config));
}

function visit(value: unknown, at: PropertyKey[], found: (secret: Secret, at: PropertyKey[]) => void): void {
  if (value instanceof Secret) found(value, at);
  else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...at, i], found));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) visit(v, [...at, k], found);
}
