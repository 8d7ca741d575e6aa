import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { importPKCS8, SignJWT } from 'jose';
import { Code, createClient, type ConnectError } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import type { TesseraConfig } from '@tessera/config';
import { AuthService } from '@tessera/contracts';
import { createLogger } from '@tessera/observability';
import { createTestPki, testConfig, type TestPki } from '@tessera/testing';
import { buildAuthServer, type RunningAuthServer } from './factory.js';

describe('authserver', () => {
  let pki: TestPki;
  let config: TesseraConfig;
  let server: RunningAuthServer;
  let logged = '';
  before(async () => {
    pki = await createTestPki();
    // Port 1 on loopback: nothing listens there, so both dependencies are unreachable.
    config = testConfig(pki, {
      TESSERA__APPS__AUTHSERVER__TOKENMANAGER__ADDRESS: '127.0.0.1:1',
      TESSERA__APPS__AUTHSERVER__IDPGATEWAY__ADDRESS: '127.0.0.1:1',
    });
    const logSink = new PassThrough().on('data', (d) => (logged += d));
    server = await buildAuthServer(config, { logger: createLogger({ name: 'authserver', destination: logSink }) }).listen();
  });
  after(async () => {
    await server.close();
    pki.remove();
  });

  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('/healthz answers while the process lives', async () => {
    assert.deepEqual(await get('/healthz'), { status: 200, body: { status: 'ok' } });
  });

  test('/readyz is 503 naming each unreachable dependency, and only the log says why', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    const text = await res.text();
    assert.equal(res.status, 503);
    // The public answer carries no address, port or transport error an attacker could map the inside with.
    assert.doesNotMatch(text, /127\.0\.0\.1|:1\b|ECONNREFUSED|unavailable|connect/i);
    assert.deepEqual(JSON.parse(text), { status: 'not ready', checks: { tokenmanager: 'failing', 'idp-gateway': 'failing' } });
    const warnings = logged
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; check?: string; reason?: string })
      .filter((l) => l.level === 'warn' && l.check !== undefined);
    assert.deepEqual(warnings.map((l) => l.check).sort(), ['idp-gateway', 'tokenmanager']);
    for (const w of warnings) assert.match(w.reason ?? '', /ECONNREFUSED 127\.0\.0\.1:1/);
  });

  test('while draining, /readyz answers 503 so load balancers stop sending, and the server still answers', async () => {
    const draining = buildAuthServer(config);
    const other = await draining.listen();
    const closing = other.close({ drainMs: 400 });
    const during = await fetch(`http://127.0.0.1:${other.port}/readyz`);
    assert.equal(during.status, 503);
    assert.deepEqual(await during.json(), { status: 'stopping' });
    assert.equal((await fetch(`http://127.0.0.1:${other.port}/healthz`)).status, 200);
    await closing;
    await assert.rejects(fetch(`http://127.0.0.1:${other.port}/healthz`));
  });

  test('the Connect API refuses a call without a bearer token with UNAUTHENTICATED', async () => {
    const client = createClient(AuthService, createConnectTransport({ baseUrl: `http://127.0.0.1:${server.port}`, httpVersion: '1.1' }));
    await assert.rejects(client.whoami({}), (e: ConnectError) => {
      assert.equal(e.code, Code.Unauthenticated);
      assert.match(e.rawMessage, /tessera login/);
      return true;
    });
  });

  test('the Connect API goes through the RPC edge: users from bearer tokens, rules, metrics, malformed input', async () => {
    const withUsers = await buildAuthServer(config, { logger: createLogger({ name: 'authserver', level: 'silent' }) }).listen();
    const key = await importPKCS8(readFileSync(`${pki.dir}/authserver-signing-dev-1.key`, 'utf8'), 'ES256');
    const aliceToken = await new SignJWT({ client_id: 'tessera-cli', group: 'dirac_user', vo: 'dirac', scope: 'g:dirac_user' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'dev-1' })
      .setIssuer(config.apps.authserver!.issuer)
      .setSubject('alice')
      .setAudience('tessera')
      .setJti('t-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    try {
      const as = (token?: string) =>
        createClient(AuthService, createConnectTransport({ baseUrl: `http://127.0.0.1:${withUsers.port}`, httpVersion: '1.1', interceptors: token ? [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))] : [] }));
      // alice passes the rule; tokenmanager (port 1 here) is not there to answer.
      await assert.rejects(as(aliceToken).getMyTokensInfo({}), (e: ConnectError) => e.code === Code.Unavailable, 'alice passes the rule');
      await assert.rejects(as('forged').whoami({}), (e: ConnectError) => e.code === Code.Unauthenticated && /not valid/.test(e.rawMessage));
      const malformed = await fetch(`http://127.0.0.1:${withUsers.port}/tessera.authserver.v1.AuthService/Whoami`, { method: 'POST', headers: { 'content-type': 'application/proto', authorization: `Bearer ${aliceToken}` }, body: new Uint8Array([0x0a, 0xff]) });
      assert.equal(malformed.status, 400);
      assert.equal(((await malformed.json()) as { code: string }).code, 'invalid_argument');
      const metrics = await (await fetch(`http://127.0.0.1:${withUsers.metricsPort}/metrics`)).text();
      assert.match(metrics, /rpc_server_handled_total\{service="tessera.authserver.v1.AuthService",method="GetMyTokensInfo",code="Unavailable"[^}]*\} 1/);
      assert.match(metrics, /rpc_server_handled_total\{service="tessera.authserver.v1.AuthService",method="Whoami",code="Unauthenticated"[^}]*\} 1/);
    } finally {
      await withUsers.close();
    }
  });
});
