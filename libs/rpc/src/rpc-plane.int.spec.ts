// The RPC plane against real servers on port 0, real mTLS and real clients (grpc-js, buf curl,
// Connect over HTTP/1.1).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Metadata, status, type ServiceError as GrpcError } from '@grpc/grpc-js';
import { HealthService, TokenManagerService, grpcHealthV1, tokenmanagerV1 } from '@tessera/contracts';
import type { Property } from '@tessera/config';
import { createLogger } from '@tessera/observability';
import { createTestPki, grpcJsClient, type TestPki } from '@tessera/testing';
import { callerOf, type ServiceCaller } from './auth/caller.js';
import { anyCaller, hasAnyProperty } from './auth/rules.js';
import { servicePeers } from './auth/caller-resolver.js';
import { ServiceIdentities } from './auth/service-identities.js';
import { createServiceTransport, propagate } from './client/transport.js';
import { defineService, notImplemented, unimplementedMethods } from './server/define-service.js';
import { ServiceError } from './errors.js';
import { startConnectServer } from './server/connect-server.js';
import { startGrpcServer, type RpcServer } from './server/grpc-server.js';
import { TlsWatcher } from './tls/tls-watcher.js';

const run = promisify(execFile);
const noRegistry = { identities: new ServiceIdentities('tessera.dev', () => []), callers: servicePeers };
const logger = createLogger({ name: 'test', level: 'silent' });
const SERVICE = TokenManagerService.typeName;
const { HealthCheckRequestSchema, HealthCheckResponseSchema, HealthCheckResponse_ServingStatus } = grpcHealthV1;

/** What handlers observed, for assertions on deadlines and cancellation. */
const seen = { timeoutMs: [] as (number | undefined)[], aborted: [] as boolean[] };
let upstream: ReturnType<typeof createClient<typeof TokenManagerService>> | undefined;

function testService() {
  return defineService(TokenManagerService, {
    ...unimplementedMethods(TokenManagerService, anyCaller),
    ping: {
      allow: anyCaller,
      handle() {
        throw new ServiceError(Code.FailedPrecondition, 'the user must log in again', undefined, {
          details: [{ desc: tokenmanagerV1.TokenErrorDetailSchema, value: {} }],
        });
      },
    },
    getUsersTokensInfo: notImplemented(hasAnyProperty('ProxyManagement'), 'GetUsersTokensInfo'),
    whoami: {
      allow: anyCaller,
      handle: (_req, ctx) => ({
        subject: callerOf(ctx).id,
        properties: [...callerOf(ctx).properties],
        certificateFingerprint: (callerOf(ctx) as ServiceCaller).certificateFingerprint,
      }),
    },
    echo: {
      allow: anyCaller,
      async handle(request, ctx) {
        seen.timeoutMs.push(ctx.timeoutMs());
        if (request.message === 'crash') throw new Error('database password is hunter2');
        if (request.message.startsWith('sleep:')) await new Promise((r) => setTimeout(r, Number(request.message.slice(6))));
        if (request.message === 'forward-failure' && upstream) {
          await upstream.ping({});
        }
        if (request.message === 'forward' && upstream) {
          return { message: (await upstream.echo({ message: 'slow' }, propagate(ctx))).message };
        }
        if (request.message === 'slow') {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
          seen.aborted.push(ctx.signal.aborted);
        }
        return { message: request.message };
      },
    },
  });
}

describe('RPC plane over mTLS', () => {
  let pki: TestPki;
  let grpcServer: RpcServer;
  let connectServer: RpcServer;
  let tls: TlsWatcher;
  let address: string;

  before(async () => {
    pki = await createTestPki();
    tls = new TlsWatcher(pki.files('tokenmanager'), { intervalMs: 100 }).start();
    const registry: Record<string, Property[]> = {
      'spiffe://tessera.dev/demo-service': ['FullDelegation'],
      'spiffe://tessera.dev/demo-admin': ['ProxyManagement'],
    };
    const identities = new ServiceIdentities('tessera.dev', (id) => registry[id]);
    const options = { services: [testService()], tls, identities, callers: servicePeers, logger, maxMessageBytes: 64 * 1024 };
    grpcServer = await startGrpcServer('127.0.0.1', 0, options);
    connectServer = await startConnectServer('127.0.0.1', 0, options);
    address = `127.0.0.1:${grpcServer.port}`;
  });

  after(async () => {
    await connectServer.shutdown({ graceMs: 1000 });
    await grpcServer.shutdown({ graceMs: 1000 });
    tls.stop();
    pki.remove();
  });

  const client = (name = 'demo-service') => grpcJsClient(TokenManagerService, address, pki.material(name), 'tokenmanager');

  test('grpc-js: Echo and Whoami with the demo certificate', async () => {
    const c = client();
    try {
      assert.equal((await c.call('echo', { message: 'hello' })).message, 'hello');
      const who = await c.call('whoami', {});
      assert.equal(who.subject, 'spiffe://tessera.dev/demo-service');
      assert.deepEqual(who.properties, ['FullDelegation']);
    } finally {
      c.close();
    }
  });

  test('a caller lacking the property gets PERMISSION_DENIED naming it; one holding it passes the rule', async () => {
    const service = client('demo-service');
    const admin = client('demo-admin');
    try {
      await assert.rejects(service.call('getUsersTokensInfo', {}), (e: GrpcError) => {
        assert.equal(e.code, status.PERMISSION_DENIED);
        assert.match(e.details, /ProxyManagement/);
        return true;
      });
      await assert.rejects(admin.call('getUsersTokensInfo', {}), (e: GrpcError) => e.code === status.UNIMPLEMENTED);
    } finally {
      service.close();
      admin.close();
    }
  });

  test('no certificate, a foreign CA and an expired certificate are refused at the handshake', async () => {
    const refusals: [string, ReturnType<typeof pki.material>][] = [
      ['no certificate', { ...pki.material('demo-service'), cert: undefined as never, key: undefined as never }],
      ['foreign CA', await pki.foreign()],
      ['expired', await pki.expired('demo-service')],
    ];
    for (const [why, material] of refusals) {
      const c = grpcJsClient(TokenManagerService, address, material, 'tokenmanager');
      await assert.rejects(c.call('echo', { message: 'x' }, { deadlineMs: 3000 }), (e: GrpcError) => {
        assert.equal(e.code, status.UNAVAILABLE, why);
        return true;
      });
      c.close();
    }
  });

  test('bad input: malformed message, unknown method, oversized payload; the server keeps serving', async () => {
    const c = client();
    const raw = (path: string, bytes: Buffer) =>
      new Promise<void>((resolve, reject) =>
        c.raw.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, bytes, new Metadata(), { deadline: Date.now() + 3000 }, (e) =>
          e ? reject(e) : resolve(),
        ),
      );
    try {
      await assert.rejects(raw(`/${SERVICE}/Echo`, Buffer.from([0x0a, 0xff])), (e: GrpcError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT);
        assert.match(e.details, /malformed tessera\.tokenmanager\.v1\.EchoRequest/);
        return true;
      });
      await assert.rejects(raw(`/${SERVICE}/NoSuchMethod`, Buffer.alloc(0)), (e: GrpcError) => e.code === status.UNIMPLEMENTED);
      await assert.rejects(c.call('echo', { message: 'x'.repeat(100 * 1024) }), (e: GrpcError) => e.code === status.RESOURCE_EXHAUSTED);
      assert.equal((await c.call('echo', { message: 'still here' })).message, 'still here');
    } finally {
      c.close();
    }
  });

  test('an unexpected error becomes INTERNAL and leaks nothing', async () => {
    const c = client();
    try {
      await assert.rejects(c.call('echo', { message: 'crash' }), (e: GrpcError) => {
        assert.equal(e.code, status.INTERNAL);
        assert.doesNotMatch(e.details, /hunter2/);
        return true;
      });
    } finally {
      c.close();
    }
  });

  test('deadlines reach the handler, cancel it, and propagate to upstream calls', async () => {
    upstream = createClient(TokenManagerService, createServiceTransport({ address, serverName: 'tokenmanager', tls }));
    const c = client();
    seen.timeoutMs.length = 0;
    seen.aborted.length = 0;
    try {
      await assert.rejects(c.call('echo', { message: 'forward' }, { deadlineMs: 400 }), (e: GrpcError) => e.code === status.DEADLINE_EXCEEDED);
      await new Promise((r) => setTimeout(r, 200));
      const [first, second] = seen.timeoutMs;
      assert.ok(first !== undefined && first <= 400 && first > 0, `the first service saw ${first}`);
      assert.ok(second !== undefined && second <= first, `the called service saw ${second}, its caller ${first}`);
      assert.deepEqual(seen.aborted, [true], 'the slow upstream handler was cancelled');
    } finally {
      c.close();
      upstream = undefined;
    }
  });

  test('typed details reach the caller; an error answered upstream is not passed off as ours', async () => {
    upstream = createClient(TokenManagerService, createServiceTransport({ address, serverName: 'tokenmanager', tls }));
    const c = client();
    try {
      const direct = await upstream.ping({}).catch((e: unknown) => e as ConnectError);
      assert.ok(direct instanceof ConnectError);
      assert.equal(direct.code, Code.FailedPrecondition);
      assert.equal(direct.findDetails(tokenmanagerV1.TokenErrorDetailSchema).length, 1, 'details travel in grpc-status-details-bin');
      await assert.rejects(c.call('echo', { message: 'forward-failure' }), (e: GrpcError) => {
        assert.equal(e.code, status.INTERNAL);
        assert.doesNotMatch(e.details, /log in again/);
        return true;
      });
      assert.equal((await c.call('echo', { message: 'still serving' })).message, 'still serving');
    } finally {
      c.close();
      upstream = undefined;
    }
  });

  test('buf curl with server reflection calls Echo over mTLS', async () => {
    const f = pki.files('demo-service');
    const { stdout } = await run('node_modules/.bin/buf', [
      'curl', '--protocol', 'grpc', '--reflect', '--cacert', f.caFile, '--cert', f.certFile, '--key', f.keyFile,
      '--servername', 'tokenmanager', '-d', '{"message":"via buf"}', `https://${address}/${SERVICE}/Echo`,
    ], { cwd: process.cwd() });
    assert.deepEqual(JSON.parse(stdout), { message: 'via buf' });
    const list = await run('node_modules/.bin/buf', [
      'curl', '--protocol', 'grpc', '--reflect', '--cacert', f.caFile, '--cert', f.certFile, '--key', f.keyFile,
      '--servername', 'tokenmanager', '--list-methods', `https://${address}`,
    ]);
    assert.match(list.stdout, /tessera\.tokenmanager\.v1\.TokenManagerService\/Whoami/);
    assert.match(list.stdout, /grpc\.health\.v1\.Health\/Watch/);
  });

  test('Connect protocol over HTTP/1.1 with a client certificate reaches the same handlers', async () => {
    const post = (material: { ca: Buffer; cert?: Buffer; key?: Buffer }, path: string, body: unknown) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: connectServer.port, path, method: 'POST', servername: 'tokenmanager', ...material, headers: { 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    const ok = await post(pki.material('demo-service'), `/${SERVICE}/Whoami`, {});
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).subject, 'spiffe://tessera.dev/demo-service');
    const denied = await post(pki.material('demo-service'), `/${SERVICE}/GetUsersTokensInfo`, {});
    assert.equal(denied.status, 403);
    assert.equal(JSON.parse(denied.body).code, 'permission_denied');
    const { ca } = pki.material('demo-service');
    await assert.rejects(post({ ca }, `/${SERVICE}/Echo`, { message: 'x' }));
  });

  test('a client certificate swapped on disk is presented by the next calls', async () => {
    const clientTls = new TlsWatcher(pki.files('demo-admin'), { intervalMs: 50 }).start();
    try {
      const who = createClient(TokenManagerService, createServiceTransport({ address, serverName: 'tokenmanager', tls: clientTls }));
      const before = (await who.whoami({})).certificateFingerprint;
      await pki.reissue('demo-admin');
      await new Promise<void>((resolve) => clientTls.once('change', () => resolve()));
      const swapped = await who.whoami({});
      assert.notEqual(swapped.certificateFingerprint, before);
      assert.equal(swapped.subject, 'spiffe://tessera.dev/demo-admin');
    } finally {
      clientTls.stop();
    }
  });

  test('a certificate swapped on disk is served without a restart', async () => {
    const fingerprint = () =>
      new Promise<string>((resolve, reject) => {
        const m = pki.material('demo-service');
        const socket = tlsConnect({ host: '127.0.0.1', port: grpcServer.port, servername: 'tokenmanager', ...m, ALPNProtocols: ['h2'] }, () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        });
        socket.on('error', reject);
      });
    const before = await fingerprint();
    await pki.reissue('tokenmanager');
    const deadline = Date.now() + 5000;
    let now = before;
    while (now === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      now = await fingerprint();
    }
    assert.notEqual(now, before, 'the new certificate is presented');
    const c = client();
    assert.equal((await c.call('echo', { message: 'after swap' })).message, 'after swap');
    c.close();
  });
});

describe('health and graceful shutdown', () => {
  test('the Connect server serves grpc.health.v1 too: Check, List and Watch, NOT_SERVING while draining', async () => {
    const pki = await createTestPki();
    const tls = new TlsWatcher(pki.files('tokenmanager'));
    const server = await startConnectServer('127.0.0.1', 0, { services: [testService()], tls, ...noRegistry, logger });
    const clientTls = new TlsWatcher(pki.files('demo-service'));
    const transport = createServiceTransport({ address: `127.0.0.1:${server.port}`, serverName: 'tokenmanager', tls: clientTls });
    const health = createClient(HealthService, transport);
    try {
      const { SERVING, NOT_SERVING } = grpcHealthV1.HealthCheckResponse_ServingStatus;
      assert.equal((await health.check({ service: SERVICE })).status, SERVING);
      assert.deepEqual(Object.keys((await health.list({})).statuses).sort(), ['', SERVICE]);
      await assert.rejects(health.check({ service: 'nope' }), (e: ConnectError) => e.code === Code.NotFound);
      const seen: number[] = [];
      const watching = (async () => {
        for await (const r of health.watch({ service: SERVICE })) seen.push(r.status);
      })();
      await new Promise((r) => setTimeout(r, 100));
      const stopping = server.shutdown({ drainMs: 400, graceMs: 1000 });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await health.check({ service: '' })).status, NOT_SERVING);
      await watching;
      assert.deepEqual(seen, [SERVING, NOT_SERVING]);
      await stopping;
    } finally {
      transport.close();
      clientTls.stop();
      tls.stop();
      pki.remove();
    }
  });

  test('Connect over HTTP/1.1: a call in flight when shutdown begins still gets its answer', async () => {
    const pki = await createTestPki();
    const tls = new TlsWatcher(pki.files('tokenmanager'));
    const server = await startConnectServer('127.0.0.1', 0, { services: [testService()], tls, ...noRegistry, logger });
    try {
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: server.port, path: `/${SERVICE}/Echo`, method: 'POST', servername: 'tokenmanager', ...pki.material('demo-service'), headers: { 'content-type': 'application/json' }, agent: false },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ message: 'sleep:400' }));
      });
      await new Promise((r) => setTimeout(r, 150));
      const stopped = server.shutdown({ graceMs: 3000 });
      const { status: code, body } = await answer;
      assert.equal(code, 200);
      assert.equal(JSON.parse(body).message, 'sleep:400');
      await stopped;
    } finally {
      tls.stop();
      pki.remove();
    }
  });

  test('health is SERVING, then NOT_SERVING while draining, and in-flight calls finish', async () => {
    const pki = await createTestPki();
    const tls = new TlsWatcher(pki.files('tokenmanager'));
    const server = await startGrpcServer('127.0.0.1', 0, { services: [testService()], tls, ...noRegistry, logger });
    const m = pki.material('demo-service');
    const health = grpcJsClient(HealthService, `127.0.0.1:${server.port}`, m, 'tokenmanager');
    const check = async (service: string) => HealthCheckResponse_ServingStatus[(await health.call('check', { service })).status];
    const watchHealth = (service: string) =>
      health.raw.makeServerStreamRequest(
        '/grpc.health.v1.Health/Watch',
        (r: { service: string }) => Buffer.from(toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, r))),
        (b: Buffer) => HealthCheckResponse_ServingStatus[fromBinary(HealthCheckResponseSchema, b).status],
        { service },
      );
    let stopping: Promise<void> | undefined;
    try {
      assert.equal(await check(''), 'SERVING');
      assert.equal(await check(SERVICE), 'SERVING');
      const watched: string[] = [];
      const watch = watchHealth(SERVICE);
      watch.on('data', (status: string) => watched.push(status));
      watch.on('error', () => {});
      await new Promise((resolve) => watch.once('data', resolve));
      stopping = server.shutdown({ drainMs: 600, graceMs: 2000 });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(await check(''), 'NOT_SERVING');
      assert.equal(await check(SERVICE), 'NOT_SERVING');
      await stopping;
      assert.deepEqual(watched.slice(0, 2), ['SERVING', 'NOT_SERVING']);
    } finally {
      health.close();
      await (stopping ?? server.shutdown({ graceMs: 100 }));
      tls.stop();
      pki.remove();
    }
  });
});
