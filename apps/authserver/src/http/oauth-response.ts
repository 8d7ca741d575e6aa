import type { ServerResponse } from 'node:http';
import type { Logger } from '@tessera/observability';
import { OAuthError } from '../oauth/errors.js';
import type { OAuthMetrics } from '../services/oauth-metrics.js';

// RFC 6749 §5.1: responses with tokens are not cached.
const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-content-type-options': 'nosniff',
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...JSON_HEADERS, ...headers }).end(JSON.stringify(body));
}

/**
 * The one place an OAuth error becomes an HTTP response (RFC 6749 §5.2). Anything that is not
 * an OAuthError is logged with its cause and answered `server_error` with nothing of it shown.
 */
export function sendOAuthError(
  res: ServerResponse,
  error: unknown,
  logger: Logger,
  context: { endpoint: string; client?: string | undefined; basicAuth?: boolean; metrics?: OAuthMetrics | undefined; grantType?: string | undefined },
): void {
  context.metrics?.answered(context.endpoint, error instanceof OAuthError ? error.error : 'server_error', context.grantType);
  if (error instanceof OAuthError) {
    logger.info({ endpoint: context.endpoint, client: context.client, error: error.error, detail: error.detail }, 'oauth request refused');
    const headers: Record<string, string> = {};
    // RFC 6749 §5.2: a client that tried HTTP authentication gets 401 and the scheme to use.
    if (error.error === 'invalid_client') {
      if (context.basicAuth) headers['www-authenticate'] = 'Basic realm="tessera"';
      else return sendJson(res, 400, { error: error.error, error_description: error.description });
    }
    if (error.error === 'invalid_token') headers['www-authenticate'] = `Bearer error="invalid_token", error_description="${error.description.replace(/["\\]/g, '')}"`;
    return sendJson(res, error.status, { error: error.error, error_description: error.description }, headers);
  }
  logger.error({ endpoint: context.endpoint, client: context.client, err: error }, 'oauth request failed');
  sendJson(res, 500, { error: 'server_error', error_description: 'the server could not handle the request; try again later' });
}
