import { z } from 'zod';
import { authserverConfigSchema, type AuthserverConfig } from './apps/authserver.js';
import { devIdpConfigSchema, type DevIdpConfig } from './apps/dev-idp.js';
import { idpGatewayConfigSchema, type IdpGatewayConfig } from './apps/idp-gateway.js';
import { tokenmanagerConfigSchema, type TokenmanagerConfig } from './apps/tokenmanager.js';
import { checkCrossReferences } from './cross-references.js';
import { idpSchema } from './idp.js';
import { oauthClientSchema } from './oauth-client.js';
import { registrySchema } from './registry.js';
import { DNS_NAME, logLevel } from './scalars.js';
import { mergeTls, tlsFilesSchema } from './tls-files.js';

/** Every process of the stack reads this one file; each app takes its own section. */
const fileSchema = z
  .strictObject({
    /** SPIFFE trust domain: service identities are `spiffe://<trustDomain>/<name>`. */
    trustDomain: z.string().regex(DNS_NAME, { error: 'expected a trust domain such as "tessera.dev"' }),
    log: z.strictObject({ level: logLevel.default('info') }).default({ level: 'info' }),
    /** Default mTLS files; an app's own `tls` overrides key by key. */
    tls: tlsFilesSchema.default({}),
    registry: registrySchema.default({ vos: {}, groups: {}, users: {}, services: {} }),
    idps: z.record(z.string(), idpSchema).default({}),
    oauthClients: z.record(z.string(), oauthClientSchema).default({}),
    // Every section is optional so one file can drive any subset of the stack; an app asks for
    // its own with requireApp().
    apps: z
      .strictObject({
        tokenmanager: tokenmanagerConfigSchema.optional(),
        idpGateway: idpGatewayConfigSchema.optional(),
        authserver: authserverConfigSchema.optional(),
        devIdp: devIdpConfigSchema.optional(),
      })
      .default({}),
  })
  .superRefine(checkCrossReferences);

export interface AppsConfig {
  tokenmanager?: TokenmanagerConfig;
  idpGateway?: IdpGatewayConfig;
  authserver?: AuthserverConfig;
  devIdp?: DevIdpConfig;
}

export type AppName = keyof AppsConfig;

export type TesseraConfig = Omit<z.output<typeof fileSchema>, 'apps'> & { apps: AppsConfig };

/**
 * The whole configuration. Unknown keys are rejected at every level so a typo fails start-up
 * instead of silently falling back to a default. Relative paths resolve against the base
 * directory given to loadConfig (process.cwd() when this schema is used directly).
 */
export const tesseraConfigSchema = fileSchema.transform((file): TesseraConfig => {
  // checkCrossReferences has already rejected any app whose tls stays incomplete after merging.
  const { tokenmanager, idpGateway, authserver, devIdp } = file.apps;
  const withTls = <T extends { tls?: z.output<typeof tlsFilesSchema> | undefined }>(app: T) => ({
    ...app,
    tls: mergeTls(app.tls, file.tls),
  });
  const apps: AppsConfig = {};
  if (tokenmanager) apps.tokenmanager = withTls(tokenmanager);
  if (idpGateway) apps.idpGateway = withTls(idpGateway);
  if (authserver) apps.authserver = withTls(authserver);
  if (devIdp) apps.devIdp = devIdp;
  return { ...file, apps };
});
