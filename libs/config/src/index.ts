/**
 * @tessera/config: one YAML file plus `TESSERA__*` environment overrides, validated with zod at
 * start-up. Apps call `loadConfig()` then `requireApp(config, '<app>')` and hand each component
 * only its slice. Relative paths in the file resolve against loadConfig's `baseDir`
 * (default process.cwd()).
 */
export { ConfigError, type ConfigIssue } from './config-error.js';
export { Secret, SecretFileError } from './secret.js';
export { checkSecrets, type SecretRule } from './check-secrets.js';
export { secret } from './secret-schema.js';
export { hostPort, formatHostPort, type HostPort } from './host-port.js';
export { duration } from './duration.js';
export { filePath } from './config-path.js';
export { propertyName, httpUrl, logLevel, DNS_NAME } from './scalars.js';
export { PROPERTIES, Property, SERVICE_ONLY_PROPERTIES } from './properties.js';
export { isSpiffeIdIn } from './spiffe.js';
export { tlsFilesSchema, type TlsFiles } from './tls-files.js';
export { databaseSchema, type DatabaseConfig } from './database.js';
export { encryptionSchema, keyProblem, type EncryptionConfig } from './encryption.js';
export { idpSchema, idpTypes, type IdpConfig, type IdpType } from './idp.js';
export { oauthClientSchema, grantTypes, clientSecretHash, type GrantType, type OAuthClientConfig } from './oauth-client.js';
export { keyringSchema, type KeyringConfig } from './keyring.js';
export { registrySchema, type RegistryConfig } from './registry.js';
export { tokenmanagerConfigSchema, type TokenmanagerConfig } from './apps/tokenmanager.js';
export { idpGatewayConfigSchema, type IdpGatewayConfig } from './apps/idp-gateway.js';
export { authserverConfigSchema, type AuthserverConfig } from './apps/authserver.js';
export { upstreamSchema, type UpstreamConfig } from './upstream.js';
export { devIdpConfigSchema, type DevIdpConfig, type DevIdpAccount } from './apps/dev-idp.js';
export { tesseraConfigSchema, type TesseraConfig, type AppsConfig, type AppName } from './tessera-config.js';
export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { requireApp } from './require-app.js';
export { buildFromConfigOrExit, EXIT_CONFIG } from './load-config-or-exit.js';
