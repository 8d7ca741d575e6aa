export { buildDevIdp } from './factory.js';
export type { DevIdp, DevIdpAccount, DevIdpClient, DevIdpLogger, DevIdpOptions } from './dev-idp-options.js';
export { devFixtures, DEFAULT_GATEWAY_REDIRECT_URIS, TEST_PUBLIC_REDIRECT_URI } from './fixtures.js';
