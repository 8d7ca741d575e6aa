import { ConfigError } from './config-error.js';
import { sourceOf } from './config-source.js';
import type { AppName, AppsConfig, TesseraConfig } from './tessera-config.js';

/**
 * An app's own section, for its main.ts. The sections are optional in the file (one file drives
 * any subset of the stack), so the app that needs one turns its absence into a start-up error.
 */
export function requireApp<K extends AppName>(config: TesseraConfig, app: K): NonNullable<AppsConfig[K]> {
  const section = config.apps[app];
  if (section === undefined) {
    throw new ConfigError([{ path: `apps.${app}`, message: `missing; ${app} cannot start without its section` }], sourceOf(config));
  }
  return section as NonNullable<AppsConfig[K]>;
}
