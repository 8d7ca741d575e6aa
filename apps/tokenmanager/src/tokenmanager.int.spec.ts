// tokenmanager as deployed: built from config/dev.yaml (pointed at a test PKI and free ports),
// called by real clients over mTLS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request as httpGet } from 'node:http';
import { promisify } from 'node:util';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { grpcHealthV1, TokenManagerService, tokenmanagerV1 } from '@tessera/contracts';
import { createTestPki, grpcJsClient, REPO_ROOT, standInUserTokens, testConfig, testEnv, type TestPki } from '@tessera/testing';
import type { RpcApp } from '@tessera/rpc';
import { buildTokenManager } from './factory.js';

const run = promisify(execFile);

describe('tokenmanager', () => {
  let pki: TestPki;
  let app: RpcApp;
  before(async () => {
    pki = await createTestPki();
    app = await buildTokenManager(testConfig(pki)).listen();
  });
  after(async () => {
    await app.close({ graceMs: 1000 });
    pki.remove();
  });

  const grpc = (identity: string) => grpcJsClient(TokenManagerService, `127.0.0.1:${app.grpcPort}`, pki.material(identity), 'tokenmanager');

  test('Ping, Echo and Whoami over gRPC with the demo-service certificate', async () => {
    const client = grpc('demo-service');
    try {
      const ping = await client.call('ping', {});
      assert.equal(ping.service, 'tessera.tokenmanager.v1.TokenManagerService');
      assert.ok(Math.abs(timestampDate(ping.serverTime!).getTime() - Date.now()) < 5000);
      assert.equal((await client.call('echo', { message: 'ünïcode ✓' })).message, 'ünïcode ✓');
      const who = await client.call('whoami', {});
      assert.equal(who.kind, tokenmanagerV1.CallerKind.SERVICE);
      assert.equal(who.subject, 'spiffe://tessera.dev/demo-service');
      assert.deepEqual(who.properties, ['FullDelegation']);
      assert.ok(timestampDate(who.certificateExpiresAt!) > new Date());
      assert.match(who.certificateFingerprint, /^[0-9a-f]{64}$/, 'SHA-256 as the contract writes it');
    } finally {
      client.close();
    }
  });

  test('registry properties decide: demo-service may not list users’ tokens, demo-admin passes the rule', async () => {
    const service = grpc('demo-service');
    const admin = grpc('demo-admin');
    try {
      await assert.rejects(service.call('getUsersTokensInfo', {}), (e: ServiceError) => e.code === status.PERMISSION_DENIED);
      assert.deepEqual((await admin.call('whoami', {})).properties, ['ProxyManagement']);
      assert.deepEqual((await admin.call('getUsersTokensInfo', {})).tokens, [], 'past the rule: an empty TokenDB');
    } finally {
      service.close();
      admin.close();
    }
  });

  test('buf curl --reflect reaches Whoami', async () => {
    const f = pki.files('demo-admin');
    const { stdout } = await run(`${REPO_ROOT}/node_modules/.bin/buf`, [
      'curl', '--protocol', 'grpc', '--reflect', '--cacert', f.caFile, '--cert', f.certFile, '--key', f.keyFile,
      '--servername', 'tokenmanager', `https://127.0.0.1:${app.grpcPort}/tessera.tokenmanager.v1.TokenManagerService/Whoami`,
    ]);
    const who = JSON.parse(stdout) as { subject: string; properties: string[] };
    assert.equal(who.subject, 'spiffe://tessera.dev/demo-admin');
    assert.deepEqual(who.properties, ['ProxyManagement']);
  });

  test('the Connect protocol over HTTP/1.1 reaches the same handlers', async () => {
    const m = pki.material('demo-service');
    const client = createClient(
      TokenManagerService,
      createConnectTransport({ baseUrl: `https://127.0.0.1:${app.connectPort}`, httpVersion: '1.1', nodeOptions: { ...m, servername: 'tokenmanager' } }),
    );
    assert.equal((await client.echo({ message: 'over connect' })).message, 'over connect');
    assert.equal((await client.whoami({})).subject, 'spiffe://tessera.dev/demo-service');
  });

  test('the plaintext health port answers grpc.health.v1 and nothing else', async () => {
    const address = `127.0.0.1:${app.healthPort}`;
    const health = new Client(address, credentials.createInsecure());
    const call = (path: string, bytes: Uint8Array) =>
      new Promise<Buffer>((resolve, reject) =>
        health.makeUnaryRequest(path, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b, bytes, new Metadata(), {}, (e, r) => (e ? reject(e) : resolve(r!))),
      );
    try {
      const check = toBinary(grpcHealthV1.HealthCheckRequestSchema, create(grpcHealthV1.HealthCheckRequestSchema, { service: 'tessera.tokenmanager.v1.TokenManagerService' }));
      const answer = fromBinary(grpcHealthV1.HealthCheckResponseSchema, await call('/grpc.health.v1.Health/Check', check));
      assert.equal(answer.status, grpcHealthV1.HealthCheckResponse_ServingStatus.SERVING);
      const echo = toBinary(tokenmanagerV1.EchoRequestSchema, create(tokenmanagerV1.EchoRequestSchema, { message: 'x' }));
      await assert.rejects(call('/tessera.tokenmanager.v1.TokenManagerService/Echo', echo), (e: ServiceError) => e.code === status.UNIMPLEMENTED);
    } finally {
      health.close();
    }
  });

  test('metrics count the calls by method and code on the plain-HTTP metrics port', async () => {
    const body = await new Promise<string>((resolve, reject) =>
      httpGet({ host: '127.0.0.1', port: app.metricsPort, path: '/metrics' }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end(),
    );
    assert.match(body, /rpc_server_handled_total\{service="tessera.tokenmanager.v1.TokenManagerService",method="Echo",code="OK",app="tokenmanager"\} [1-9]/);
    assert.match(body, /rpc_server_handled_total\{[^}]*method="GetUsersTokensInfo",code="PermissionDenied"[^}]*\} [1-9]/);
    const expiry = Number(/^tls_certificate_expiry_timestamp_seconds\{[^}]*\} (\d+(?:\.\d+)?)$/m.exec(body)?.[1]);
    assert.ok(expiry > Date.now() / 1000 + 86_400, `certificate expiry exported: ${expiry}`);
  });
});

describe('tokenmanager and forwarded user tokens', () => {
  const userTokens = standInUserTokens({ id: 'alice', group: 'dirac_user', properties: ['NormalUser', 'PrivateLimitedDelegation'] });
  let pki: TestPki;
  let app: RpcApp;
  before(async () => {
    pki = await createTestPki();
    app = await buildTokenManager(testConfig(pki), { userTokens }).listen();
  });
  after(async () => {
    await app.close({ graceMs: 1000 });
    pki.remove();
  });
  const asUser = { 'tessera-user-token': 'Bearer alice-token' };
  const call = async <T>(identity: string, run: (c: ReturnType<typeof grpcJsClient<typeof TokenManagerService>>) => Promise<T>) => {
    const client = grpcJsClient(TokenManagerService, `127.0.0.1:${app.grpcPort}`, pki.material(identity), 'tokenmanager');
    try {
      return await run(client);
    } finally {
      client.close();
    }
  };

  test('the authserver acts for a user; the user is then the caller, with only the user’s rights', async () => {
    const who = await call('authserver', (c) => c.call('whoami', {}, { metadata: asUser }));
    assert.equal(who.kind, tokenmanagerV1.CallerKind.USER);
    assert.equal(who.subject, 'alice');
    assert.equal(who.group, 'dirac_user');
    assert.deepEqual(who.groups, ['dirac_admin', 'dirac_user'], "every registry group of the user's");
    assert.equal(who.forwardedBy, 'spiffe://tessera.dev/authserver');
    // The authserver's own TokenIssuer right is not the user's: alice may store only her own tokens.
    await assert.rejects(call('authserver', (c) => c.call('updateToken', { userId: 'bob' }, { metadata: asUser })), (e: ServiceError) => e.code === status.PERMISSION_DENIED && /alice may act only on their own tokens/.test(e.details));
    const own = { userId: 'alice', provider: 'dev-idp', subject: 'alice', clientId: 'tessera-idp-gateway', tokenSet: { refreshToken: 'rt-alice', accessToken: 'at-alice', scopes: ['openid'] } };
    const stored = await call('authserver', (c) => c.call('updateToken', own, { metadata: asUser }));
    assert.equal(stored.token?.userId, 'alice', 'her own passes the rule and is stored');
    const mine = await call('authserver', (c) => c.call('getUserTokensInfo', {}, { metadata: asUser }));
    assert.deepEqual(mine.tokens.map((t) => t.tokenId), [stored.token?.tokenId], 'an empty user_id is the calling user');
    assert.ok(!JSON.stringify(mine, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).includes('rt-alice'), 'metadata only');
    await assert.rejects(call('authserver', (c) => c.call('getUserTokensInfo', { userId: 'bob' }, { metadata: asUser })), (e: ServiceError) => e.code === status.PERMISSION_DENIED);
    await assert.rejects(call('authserver', (c) => c.call('deleteToken', { userId: 'bob' }, { metadata: asUser })), (e: ServiceError) => e.code === status.PERMISSION_DENIED);
    const history = await call('authserver', (c) => c.call('listTokenHistory', { userId: 'alice' }, { metadata: asUser }));
    const event = history.events.find((e) => e.action === tokenmanagerV1.TokenHistoryAction.STORED);
    assert.equal(event?.actor?.id, 'alice');
    assert.equal(event?.actor?.viaService, 'spiffe://tessera.dev/authserver');
    assert.equal(event?.ipAddress, '127.0.0.1');
    await assert.rejects(call('authserver', (c) => c.call('listTokenHistory', {}, { metadata: asUser })), (e: ServiceError) => e.code === status.PERMISSION_DENIED, "everyone's history needs ProxyManagement");
    await assert.rejects(call('authserver', (c) => c.call('getUsersTokensInfo', {}, { metadata: asUser })), (e: ServiceError) => e.code === status.PERMISSION_DENIED);
    await assert.rejects(call('authserver', (c) => c.call('updateToken', {})), (e: ServiceError) => e.code === status.INVALID_ARGUMENT && /user_id is required/.test(e.details), 'as itself it passes the rule (and must name a user)');
  });

  test('a service without TokenIssuer may not act for a user, and a bad token is refused', async () => {
    await assert.rejects(call('demo-service', (c) => c.call('whoami', {}, { metadata: asUser })), (e: ServiceError) => e.code === status.PERMISSION_DENIED && /may not act for users/.test(e.details));
    await assert.rejects(call('authserver', (c) => c.call('whoami', {}, { metadata: { 'tessera-user-token': 'Bearer forged' } })), (e: ServiceError) => e.code === status.UNAUTHENTICATED);
  });
});

describe('tokenmanager start-up', () => {
  const start = (env: Record<string, string>) =>
    run(process.execPath, ['--import', 'tsx', 'apps/tokenmanager/src/main.ts'], { cwd: REPO_ROOT, env: { ...process.env, ...env } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );

  test('a malformed configuration stops start-up with a message naming the key', async () => {
    const pki = await createTestPki();
    try {
      const result = await start(testEnv(pki, { TESSERA__APPS__TOKENMANAGER__GRPC: 'localhost' }));
      assert.equal(result.code, 78);
      assert.match(result.stderr, /apps\.tokenmanager\.grpc/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      pki.remove();
    }
  });

  test('a missing, unreadable or mismatched TLS file stops start-up with exit 78 naming the key', async () => {
    const pki = await createTestPki();
    try {
      const cases: [Record<string, string>, RegExp][] = [
        [{ TESSERA__APPS__TOKENMANAGER__TLS__CERTFILE: `${pki.dir}/missing.crt` }, /apps\.tokenmanager\.tls\.certFile: .*missing\.crt does not exist/],
        [{ TESSERA__APPS__TOKENMANAGER__TLS__KEYFILE: pki.files('demo-admin').keyFile }, /apps\.tokenmanager\.tls\.keyFile: .* is not the private key of the certificate/],
        [{ TESSERA__APPS__TOKENMANAGER__TLS__CAFILE: pki.files('demo-admin').keyFile }, /apps\.tokenmanager\.tls\.caFile: .* is not a PEM CA certificate/],
      ];
      for (const [env, message] of cases) {
        const result = await start(testEnv(pki, env));
        assert.equal(result.code, 78, result.stderr);
        assert.match(result.stderr, message);
        assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      }
    } finally {
      pki.remove();
    }
  });
});
