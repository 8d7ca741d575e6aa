import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { idpSchema } from '@tessera/config';
import { IdpConnection } from './idp-connection.js';
import { IdpErrorKind, type IdpError } from './idp-error.js';
import { IdpMetrics } from './idp-metrics.js';

/** A loopback IdP: discovery and a token endpoint, each answering what the test sets. */
let server: Server;
let issuer: string;
let discovery: (res: ServerResponse) => void;
let token: (res: ServerResponse) => void;
let tokenCalls = 0;
let logged = '';

const json = (status: number, body: unknown) => (res: ServerResponse) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const metadata = () => json(200, { issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, token_endpoint_auth_methods_supported: ['client_secret_post'] });

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/.well-known/openid-configuration') return discovery(res);
    tokenCalls += 1;
    token(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
}));

beforeEach(() => {
  discovery = metadata();
  token = json(500, {});
  tokenCalls = 0;
});

function connect(options: { failureThreshold?: number; openFor?: number } = {}): IdpConnection {
  const config = idpSchema.parse({
    issuer,
    clientId: 'tessera',
    clientSecrets: ['secret'],
    retries: 2,
    breaker: { failureThreshold: options.failureThreshold ?? 100, openFor: options.openFor ?? 30_000 },
  });
  const logger = pino({ level: 'debug' }, { write: (line: string) => (logged += line) });
  return new IdpConnection('idp', config, new IdpMetrics(new Registry()), logger);
}

const refresh = (connection: IdpConnection) =>
  connection.call('refresh', (config) => oidc.refreshTokenGrant(config, 'rt-SECRET'), { safe: false }).then(() => assert.fail('succeeded'), (e: unknown) => e as IdpError);

test('an unsafe call is sent once and not retryable after a 5xx; a safe one is retried and stays retryable', async () => {
  const connection = connect();
  const unsafe = await refresh(connection);
  assert.deepEqual([unsafe.kind, unsafe.retryable, tokenCalls], [IdpErrorKind.PROVIDER_ERROR, false, 1]);
  tokenCalls = 0;
  const safe = await connection.call('client_credentials', (config) => oidc.clientCredentialsGrant(config), { safe: true }).then(() => assert.fail('succeeded'), (e: unknown) => e as IdpError);
  assert.deepEqual([safe.kind, safe.retryable, tokenCalls], [IdpErrorKind.PROVIDER_ERROR, true, 3]);
});

test('a discovery that fails inside an unsafe call is retryable: the call itself was never sent', async () => {
  discovery = json(503, {});
  const error = await refresh(connect());
  assert.deepEqual([error.kind, error.retryable, tokenCalls], [IdpErrorKind.PROVIDER_ERROR, true, 0]);
});

test("the breaker's lastFailure and the logs carry codes, not the IdP's description", async () => {
  token = json(400, { error: 'temporarily_unavailable', error_description: 'cannot rotate rt-SECRET now' });
  const connection = connect();
  const error = await refresh(connection);
  assert.equal(error.kind, IdpErrorKind.PROVIDER_ERROR);
  assert.equal(connection.breaker.lastFailure, 'provider_error, HTTP 400, temporarily_unavailable');
  assert.equal(connection.breaker.consecutiveFailures, 1);
  assert.doesNotMatch(logged, /SECRET/);
});

test('a bug inside a call is INTERNAL, and neither closes the breaker nor keeps its probe', async () => {
  const connection = connect({ failureThreshold: 1, openFor: 0 });
  await refresh(connection);
  assert.equal(connection.breaker.state, 'open');
  const bug = await connection.call('refresh', () => Promise.reject(new TypeError('x is not a function')), { safe: false }).then(() => assert.fail('succeeded'), (e: unknown) => e as IdpError);
  assert.deepEqual([bug.kind, bug.retryable, bug.countsAsOutage], [IdpErrorKind.UNSPECIFIED, false, false]);
  assert.equal(connection.breaker.state, 'half-open', 'a bug says nothing about the IdP');
  assert.equal(connection.breaker.consecutiveFailures, 1);
  assert.ok(connection.breaker.tryAcquire(), 'the probe is free again');
});
