import { ConfigError } from './config-error.js';
import { loadConfig, type LoadConfigOptions } from './load-config.js';
import type { TesseraConfig } from './tessera-config.js';

/** EX_CONFIG from sysexits.h: the configuration is wrong, restarting will not help. */
export const EXIT_CONFIG = 78;

/**
 * For an app's main.ts: loads the configuration and builds the app from it. A ConfigError, from
 * loading or from the app asking for a section that is missing, is printed as its message alone
 * (it names every bad key) and the process exits with status 78.
 */
export function buildFromConfigOrExit<T>(build: (config: TesseraConfig) => T, options?: LoadConfigOptions): T {
  try {
    return build(loadConfig(options));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}
