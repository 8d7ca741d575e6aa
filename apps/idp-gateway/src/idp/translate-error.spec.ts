import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { pino } from 'pino';
import { Code } from '@tessera/rpc';
import { CircuitBreaker } from './circuit-breaker.js';
import { IdpErrorKind, type IdpError } from './idp-error.js';
import { translateError } from './translate-error.js';

const UNSAFE = { aborted: false, safe: false };
const SAFE = { aborted: false, safe: true };

/** Everything of an IdpError that reaches the caller, ListProviders or the logs, even logged whole. */
function everything(error: IdpError): string {
  let logged = '';
  pino({ level: 'debug' }, { write: (line: string) => (logged += line) }).error({ err: error, detail: error.detail }, error.message);
  const details = error.details.map((d) => d.value);
  return JSON.stringify({ message: error.message, summary: error.summary, oauthError: error.oauthError, details, logged });
}

/** A token endpoint on loopback that answers what the test sets; `undefined` drops the connection. */
let answer: ((res: ServerResponse) => void) | undefined;
let server: Server;
let config: oidc.Configuration;

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (answer) answer(res);
    else req.socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  config = new oidc.Configuration({ issuer: url, token_endpoint: `${url}/token` }, 'tessera', 'secret');
  oidc.allowInsecureRequests(config);
});

after(() => new Promise<void>((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
}));

const json = (status: number, body: unknown) => (res: ServerResponse) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** What openid-client throws for a refresh against the fake token endpoint. */
async function refreshFailure(reply: typeof answer): Promise<unknown> {
  answer = reply;
  try {
    await oidc.refreshTokenGrant(config, 'rt-SECRET');
  } catch (error) {
    return error;
  }
  assert.fail('the refresh succeeded');
}

describe('the IdP\'s own words never travel', () => {
  test('an OAuth error keeps its code and kind; the description is dropped everywhere', async () => {
    const thrown = await refreshFailure(json(400, { error: 'invalid_grant', error_description: 'refresh token rt-SECRET is expired' }));
    assert.ok(thrown instanceof oidc.ResponseBodyError, 'a real openid-client error');
    const error = translateError('idp', thrown, UNSAFE);
    assert.equal(error.kind, IdpErrorKind.INVALID_GRANT);
    assert.equal(error.code, Code.FailedPrecondition);
    assert.equal(error.oauthError, 'invalid_grant');
    assert.match(error.message, /\(invalid_grant\)$/);
    assert.equal(error.detail, 'invalid_grant, HTTP 400, invalid_grant');
    const [detail] = error.details;
    assert.equal((detail?.value as { oauthErrorDescription?: string }).oauthErrorDescription ?? '', '');
    assert.doesNotMatch(everything(error), /SECRET/);
  });

  test('a 5xx counts for the breaker, whose lastFailure is built from codes only', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 5, openForMs: 1000 });
    const description = 'could not rotate rt-SECRET';
    // openid-client reads no body of a 5xx; a 4xx error body is read.
    for (const [status, code, summary] of [
      [500, 'server_error', 'provider_error, HTTP 500, OAUTH_RESPONSE_IS_NOT_CONFORM'],
      [400, 'temporarily_unavailable', 'provider_error, HTTP 400, temporarily_unavailable'],
    ] as const) {
      const error = translateError('idp', await refreshFailure(json(status, { error: code, error_description: description })), UNSAFE);
      assert.equal(error.kind, IdpErrorKind.PROVIDER_ERROR);
      assert.ok(error.countsAsOutage);
      breaker.recordFailure(error.summary);
      assert.equal(breaker.lastFailure, summary);
      assert.doesNotMatch(everything(error), /SECRET/);
    }
  });

  test('a malformed or overlong error code is dropped, not passed on', async () => {
    for (const code of ['rt-SECRET "quoted"', `rt-SECRET${'x'.repeat(60)}`, 'line\nrt-SECRET']) {
      const error = translateError('idp', await refreshFailure(json(400, { error: code, error_description: 'rt-SECRET' })), UNSAFE);
      assert.equal(error.oauthError, undefined, JSON.stringify(code));
      assert.equal(error.kind, IdpErrorKind.INVALID_REQUEST);
      assert.equal(error.summary, 'invalid_request, HTTP 400');
      assert.doesNotMatch(everything(error), /SECRET/);
    }
  });

  test('an error code that names an Object property is not mistaken for a known one', async () => {
    const error = translateError('idp', await refreshFailure(json(400, { error: 'constructor' })), UNSAFE);
    assert.equal(error.kind, IdpErrorKind.INVALID_REQUEST);
    assert.equal(error.code, Code.InvalidArgument);
  });

  test('a non-JSON answer keeps its status, not its text', async () => {
    const thrown = await refreshFailure((res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>bad gateway for rt-SECRET</h1>'));
    assert.ok(thrown instanceof oidc.ClientError);
    const error = translateError('idp', thrown, SAFE);
    assert.equal(error.kind, IdpErrorKind.PROVIDER_ERROR);
    assert.equal(error.httpStatus, 502);
    assert.ok(error.retryable && error.countsAsOutage);
    assert.doesNotMatch(everything(error), /SECRET/);
  });

  test('a callback error keeps only its code', async () => {
    const callback = new URL('https://tessera.example/cb?error=access_denied&error_description=denied+for+rt-SECRET&state=s');
    const thrown = await oidc.authorizationCodeGrant(config, callback, { expectedState: 's' }).then(() => assert.fail('sent'), (e: unknown) => e);
    assert.ok(thrown instanceof oidc.AuthorizationResponseError);
    const error = translateError('idp', thrown, UNSAFE);
    assert.equal(error.kind, IdpErrorKind.ACCESS_DENIED);
    assert.equal(error.oauthError, 'access_denied');
    assert.doesNotMatch(everything(error), /SECRET/);
  });
});

describe('retryable only when sending again is harmless', () => {
  test('an unsafe call that may have reached the IdP is not retryable; a safe one is', async () => {
    const reset = await refreshFailure(undefined);
    assert.ok(reset instanceof TypeError);
    const server500 = await refreshFailure(json(500, { error: 'server_error' }));
    for (const thrown of [reset, server500]) {
      assert.equal(translateError('idp', thrown, UNSAFE).retryable, false);
      assert.equal(translateError('idp', thrown, SAFE).retryable, true);
      assert.equal(translateError('idp', thrown, UNSAFE).countsAsOutage, true);
    }
    config.timeout = 0.2;
    const timedOut = await refreshFailure(() => undefined).finally(() => (config.timeout = 30));
    assert.equal((timedOut as oidc.ClientError).code, 'OAUTH_TIMEOUT');
    assert.equal(translateError('idp', timedOut, UNSAFE).kind, IdpErrorKind.TIMEOUT);
    assert.equal(translateError('idp', timedOut, UNSAFE).retryable, false);
    assert.equal(translateError('idp', timedOut, SAFE).retryable, true);
    const abandoned = Object.assign(new oidc.ClientError('operation aborted'), { code: 'OAUTH_ABORT' });
    assert.equal(translateError('idp', abandoned, { aborted: true, safe: false }).retryable, false);
    assert.equal(translateError('idp', new DOMException('late', 'TimeoutError'), UNSAFE).retryable, false);
  });

  test('a refused connection proves nothing was sent: retryable even for an unsafe call', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = new oidc.Configuration({ issuer: 'http://x', token_endpoint: `http://127.0.0.1:${port}/token` }, 'tessera', 'secret');
    oidc.allowInsecureRequests(nowhere);
    const thrown = await oidc.refreshTokenGrant(nowhere, 'rt').then(() => assert.fail('sent'), (e: unknown) => e);
    const error = translateError('idp', thrown, UNSAFE);
    assert.equal(error.kind, IdpErrorKind.UNREACHABLE);
    assert.equal(error.reason, 'ECONNREFUSED');
    assert.ok(error.retryable && error.countsAsOutage);
  });

  test('by cause code: before the connection is retryable, after it is not', () => {
    const failed = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(`${code} at 10.0.0.1`), { code }) });
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const error = translateError('idp', failed(code), UNSAFE);
      assert.deepEqual([error.kind, error.retryable, error.countsAsOutage], [IdpErrorKind.UNREACHABLE, true, true], code);
    }
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC', 'EPROTO']) {
      const error = translateError('idp', failed(code), UNSAFE);
      assert.deepEqual([error.kind, error.retryable, error.countsAsOutage], [IdpErrorKind.UNREACHABLE, false, true], code);
      assert.equal(translateError('idp', failed(code), SAFE).retryable, true, code);
    }
  });
});

describe('a TypeError that is not a failed fetch is a bug, not an outage', () => {
  test('openid-client refusing an argument is INTERNAL, not retryable, not counted', async () => {
    const thrown = await oidc.refreshTokenGrant(config, '').then(() => assert.fail('sent'), (e: unknown) => e);
    assert.ok(thrown instanceof TypeError, 'openid-client\'s own argument check');
    for (const bug of [thrown, new TypeError('x is not a function'), new TypeError('fetch failed', { cause: new Error('bad port') }), new RangeError('nope')]) {
      const error = translateError('idp', bug, SAFE);
      assert.equal(error.kind, IdpErrorKind.UNSPECIFIED, String(bug));
      assert.equal(error.code, Code.Internal);
      assert.equal(error.retryable, false);
      assert.equal(error.countsAsOutage, false);
      assert.deepEqual(error.details, [], 'the contract never sends UNSPECIFIED');
    }
  });

  test('an ID token signature that does not even decode fails verification', () => {
    const undecodable = Object.assign(new TypeError('The input to be decoded is not correctly encoded.', { cause: new DOMException('bad', 'InvalidCharacterError') }), { code: 'ERR_INVALID_ARG_VALUE' });
    const error = translateError('idp', undecodable, UNSAFE);
    assert.equal(error.kind, IdpErrorKind.PROVIDER_ERROR);
    assert.match(error.message, /failed verification/);
    assert.equal(error.retryable, false);
  });
});
