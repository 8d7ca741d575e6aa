import type { Provider } from 'oidc-provider';
import type { DevIdpLogger } from './dev-idp-options.js';

interface ProviderError {
  error?: string;
  error_description?: string;
  error_detail?: string;
  message?: string;
}

/** Events whose errors a client developer needs to see, e.g. why the gateway's grant failed. */
const CLIENT_ERROR_EVENTS = [
  'authorization.error',
  'backchannel.error',
  'grant.error',
  'introspection.error',
  'revocation.error',
  'userinfo.error',
  'end_session.error',
] as const;

/**
 * Logs oidc-provider's error events. Client errors (RFC 6749 §5.2 codes) are expected and go
 * out at info with their private detail; `server_error` is a bug and goes out at warn.
 */
export function watchProviderEvents(provider: Provider, logger: DevIdpLogger): void {
  for (const event of CLIENT_ERROR_EVENTS) {
    provider.on(event, (_ctx: unknown, err: ProviderError) => {
      logger.info({ event, error: err.error, description: err.error_description, detail: err.error_detail }, 'dev-idp request refused');
    });
  }
  provider.on('server_error', (_ctx: unknown, err: unknown) => {
    logger.warn({ event: 'server_error', err }, 'dev-idp internal error');
  });
}
