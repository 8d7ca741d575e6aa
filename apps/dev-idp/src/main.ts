// dev-idp's composition root: the OpenID Provider of the embedded dev stack, configured from
// Tessera's configuration (apps.devIdp for itself and its accounts; the IdP entry whose issuer is
// this one for the idp-gateway's client; apps.authserver for where logins return).
import { buildFromConfigOrExit, requireApp, type TesseraConfig } from '@tessera/config';
import { createLogger } from '@tessera/observability';
import type { DevIdpOptions } from './dev-idp-options.js';
import { buildDevIdp } from './factory.js';
import { devFixtures } from './fixtures.js';

const { options, level, listen } = buildFromConfigOrExit((config) => ({
  options: optionsFrom(config),
  level: config.log.level,
  listen: requireApp(config, 'devIdp').http,
}));
const logger = createLogger({ name: 'dev-idp', level });
const idp = await buildDevIdp({ ...options, logger });
await idp.listen(listen.port, listen.host);

function optionsFrom(config: TesseraConfig): DevIdpOptions {
  const devIdp = requireApp(config, 'devIdp');
  const callback = config.apps.authserver ? [`${config.apps.authserver.issuer.replace(/\/$/, '')}/auth/callback`] : [];
  const fixtures = devFixtures(devIdp.issuer, callback);
  const gateway = Object.values(config.idps).find((idp) => idp.issuer.replace(/\/$/, '') === devIdp.issuer.replace(/\/$/, ''));
  const clients = fixtures.clients.map((client) =>
    gateway && client.clientSecret !== undefined
      ? { ...client, clientId: gateway.clientId, clientSecret: gateway.clientSecrets[0]?.reveal() ?? client.clientSecret }
      : client,
  );
  const accounts = devIdp.accounts.map(({ password, name, email, ...account }) => ({
    ...account,
    password: password.reveal(),
    ...(name === undefined ? {} : { name }),
    ...(email === undefined ? {} : { email }),
  }));
  // oidc-provider counts lifetimes in whole seconds.
  const ttl = Object.fromEntries(Object.entries(devIdp.ttl ?? {}).map(([k, ms]) => [k, Math.max(1, Math.round(ms / 1000))]));
  return { ...fixtures, accounts, clients, ...(devIdp.ttl ? { ttl } : {}) };
}

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'dev-idp stopping');
  await idp.close();
  process.exit(0);
}
process.once('SIGINT', (signal) => void stop(signal));
process.once('SIGTERM', (signal) => void stop(signal));
