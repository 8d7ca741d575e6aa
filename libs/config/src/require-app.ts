import { ConfigError } from './config-error.js';
import { checkSecrets } from './check-secrets.js';
import { sourceOf } from './config-source.js';
import type { AppName, AppsConfig, TesseraConfig } from './tessera-config.js';

/**
 * An app's own section, for its main.ts. The sections are optional in the file (one file drives
 * any subset of the stack), so the app that needs one turns its absence into a start-up error,
 * and so is an unreadable secret file in it or in the shared sections it uses.
 */
/**
 * The sections outside `apps.<app>` whose secrets each app uses. Every other secret in the file
 * belongs to another app, and its file need not exist in this app's pod.
 */
const SHARED_SECTIONS_USED: Record<AppName, readonly string[]> = {
  tokenmanager: [],
  idpGateway: ['idps'],
  authserver: ['oauthClients'],
  devIdp: [],
};

export function requireApp<K extends AppName>(config: TesseraConfig, app: K): NonNullable<AppsConfig[K]> {
  const section = config.apps[app];
  if (section === undefined) {
    throw new ConfigError([{ path: `apps.${app}`, message: `missing; ${app} cannot start without its section` }], sourceOf(config));
  }
  checkSecrets(config, ['apps', app]);
  for (const shared of SHARED_SECTIONS_USED[app]) checkSecrets(config, [shared]);
  return section as NonNullable<AppsConfig[K]>;
}
