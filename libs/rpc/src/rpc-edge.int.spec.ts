// The RPC edge against real servers on port 0 with real mTLS: who the caller is (certificate
// SANs, forwarded user tokens), per-connection identity, headers and trailers both ways, errors
// translated between services, malformed input on every port, and certificate reload.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { Metadata, status, type ServiceError as GrpcError } from '@grpc/grpc-js';
import { ConfigError, type Property } from '@tessera/config';
import { HealthService, TokenManagerService, tokenmanagerV1 } from '@tessera/contracts';
import { createLogger } from '@tessera/observability';
import { createTestPki, grpcJsClient, type TestPki } from '@tessera/testing';
import { callerOf } from './auth/caller.js';
import { servicePeersActingForUsers, type UserTokenVerifier } from './auth/caller-resolver.js';
import { anyCaller } from './auth/rules.js';
import { ServiceIdentities } from './auth/service-identities.js';
import { createServiceTransport } from './client/transport.js';
import { ServiceError, UnauthenticatedError } from './errors.js';
import { startConnectServer } from './server/connect-server.js';
import { defineService, unimplementedMethods } from './server/define-service.js';
import { startGrpcServer, type RpcServer } from './server/grpc-server.js';
import { TlsWatcher } from './tls/tls-watcher.js';

const logger = createLogger({ name: 'test', level: 'silent' });
const SERVICE = TokenManagerService.typeName;
const registry: Record<string, Property[]> = {
  'spiffe://tessera.dev/demo-service': ['FullDelegation'],
  'spiffe://tessera.dev/demo-admin': ['ProxyManagement'],
  'spiffe://tessera.dev/authserver': ['TokenIssuer'],
  'legacy-service.example.org': ['LimitedDelegation'],
};
/** A stand-in for the authserver's JWT verification, which is not what these tests are about. */
const verifier: UserTokenVerifier = {
  async verify(token) {
    if (token !== 'alice-token') throw new UnauthenticatedError('the access token is not valid');
    return { id: 'alice', group: 'dirac_user', vo: 'dirac', properties: new Set(['NormalUser'] as const), scopes: [], tokenId: 'jti-1', expiresAt: new Date(Date.now() + 60_000) };
  },
};

let upstream: ReturnType<typeof createClient<typeof TokenManagerService>> | undefined;
let translatingUpstream: ReturnType<typeof createClient<typeof TokenManagerService>> | undefined;

function edgeService() {
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
    whoami: {
      allow: anyCaller,
      handle: (_request, context) => {
        const caller = callerOf(context);
        return {
          kind: caller.kind === 'user' ? tokenmanagerV1.CallerKind.USER : tokenmanagerV1.CallerKind.SERVICE,
          subject: caller.id,
          properties: [...caller.properties].sort(),
          forwardedBy: caller.kind === 'user' ? (caller.via?.id ?? '') : '',
        };
      },
    },
    echo: {
      allow: anyCaller,
      async handle(request, context) {
        if (request.message === 'headers') {
          context.responseHeader.set('x-answer', 'header');
          context.responseTrailer.append('x-trailer', 'one');
          context.responseTrailer.append('x-trailer', 'two');
          context.responseTrailer.set('x-blob-bin', Buffer.from([0, 1, 2, 255]).toString('base64'));
          return { message: JSON.stringify({ multi: context.requestHeader.get('x-multi'), blob: context.requestHeader.get('x-blob-bin') }) };
        }
        if (request.message === 'bad-headers') {
          context.responseHeader.set('x-accent', 'café');
          context.responseHeader.set('keep-alive', 'timeout=5');
          context.responseTrailer.set('x-fine', 'yes');
          return { message: 'answered' };
        }
        if (request.message === 'translated' && translatingUpstream) {
          try {
            await translatingUpstream.ping({});
          } catch (error) {
            // What a caller's domain code does with a translated error: act on its type.
            if (error instanceof ReloginRequired) throw new ServiceError(Code.FailedPrecondition, `alice must log in again (${error.message})`);
            throw error;
          }
        }
        return { message: request.message };
      },
    },
  });
}

/** A domain error of the calling service, made from the called service's typed detail. */
class ReloginRequired extends ServiceError {
  constructor() {
    super(Code.FailedPrecondition, 'relogin required');
  }
}

describe('the RPC edge', () => {
  let pki: TestPki;
  let tls: TlsWatcher;
  let grpc: RpcServer;
  let connect: RpcServer;
  const address = () => `127.0.0.1:${grpc.port}`;

  before(async () => {
    pki = await createTestPki();
    tls = new TlsWatcher(pki.files('tokenmanager'));
    const options = {
      services: [edgeService()],
      tls,
      identities: new ServiceIdentities('tessera.dev', (id) => registry[id]),
      callers: servicePeersActingForUsers({ verifier, mayForward: (s) => s.properties.has('TokenIssuer') }),
      logger,
    };
    grpc = await startGrpcServer('127.0.0.1', 0, options);
    connect = await startConnectServer('127.0.0.1', 0, options);
  });

  after(async () => {
    await grpc.shutdown({ graceMs: 500 });
    await connect.shutdown({ graceMs: 500 });
    tls.stop();
    pki.remove();
  });

  const whoami = async (material: { ca: Buffer; cert: Buffer; key: Buffer }, metadata?: Record<string, string>) => {
    const client = grpcJsClient(TokenManagerService, address(), material, 'tokenmanager');
    try {
      return await client.call('whoami', {}, { metadata });
    } finally {
      client.close();
    }
  };

  test('a DNS SAN spelling a SPIFFE ID names nobody; a foreign trust domain neither; the message says so', async () => {
    for (const names of [
      [{ type: 'dns' as const, value: 'spiffe://tessera.dev/demo-admin' }],
      [{ type: 'url' as const, value: 'spiffe://evil.dev/demo-admin' }],
      [{ type: 'url' as const, value: 'https://tessera.dev/demo-admin' }],
    ]) {
      await assert.rejects(whoami(await pki.forge(names)), (e: GrpcError) => {
        assert.equal(e.code, status.UNAUTHENTICATED, JSON.stringify(names));
        assert.match(e.details, /no usable subject alternative name: expected a URI SAN spiffe:\/\/tessera\.dev\/<name> or a DNS SAN/);
        return true;
      });
    }
  });

  test('a URI SAN in the trust domain and a DNS SAN registered as a DNS name get their properties', async () => {
    const viaUri = await whoami(await pki.forge([{ type: 'dns', value: 'legacy-service.example.org' }, { type: 'url', value: 'spiffe://tessera.dev/demo-admin' }]));
    assert.equal(viaUri.subject, 'spiffe://tessera.dev/demo-admin', 'the URI SAN comes first');
    assert.deepEqual(viaUri.properties, ['ProxyManagement']);
    const viaDns = await whoami(await pki.forge([{ type: 'dns', value: 'legacy-service.example.org' }]));
    assert.equal(viaDns.subject, 'legacy-service.example.org');
    assert.deepEqual(viaDns.properties, ['LimitedDelegation']);
  });

  test('concurrent connections with different certificates each see only their own identity', async () => {
    const service = grpcJsClient(TokenManagerService, address(), pki.material('demo-service'), 'tokenmanager');
    const admin = grpcJsClient(TokenManagerService, address(), pki.material('demo-admin'), 'tokenmanager');
    try {
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? service : admin).call('whoami', {}).then((w) => [i % 2, w.subject] as const)),
      );
      for (const [parity, subject] of answers) assert.equal(subject, parity === 0 ? 'spiffe://tessera.dev/demo-service' : 'spiffe://tessera.dev/demo-admin');
    } finally {
      service.close();
      admin.close();
    }
  });

  test('a user token forwarded by a trusted service makes the user the caller; others are refused', async () => {
    const forward = (token: string) => ({ 'tessera-user-token': `Bearer ${token}` });
    const asUser = await whoami(pki.material('authserver'), forward('alice-token'));
    assert.equal(asUser.kind, tokenmanagerV1.CallerKind.USER);
    assert.equal(asUser.subject, 'alice');
    assert.deepEqual(asUser.properties, ['NormalUser']);
    assert.equal(asUser.forwardedBy, 'spiffe://tessera.dev/authserver');
    await assert.rejects(whoami(pki.material('authserver'), forward('forged')), (e: GrpcError) => e.code === status.UNAUTHENTICATED && /not valid/.test(e.details));
    await assert.rejects(whoami(pki.material('authserver'), { 'tessera-user-token': 'alice-token' }), (e: GrpcError) => e.code === status.UNAUTHENTICATED && /Bearer/.test(e.details));
    await assert.rejects(whoami(pki.material('demo-service'), forward('alice-token')), (e: GrpcError) => {
      assert.equal(e.code, status.PERMISSION_DENIED);
      assert.match(e.details, /demo-service may not act for users/);
      return true;
    });
    assert.equal((await whoami(pki.material('demo-service'))).kind, tokenmanagerV1.CallerKind.SERVICE);
  });

  test('every value of a repeated header and binary headers reach the handler; its headers and trailers reach the client', async () => {
    const client = grpcJsClient(TokenManagerService, address(), pki.material('demo-service'), 'tokenmanager');
    try {
      const metadata = new Metadata();
      metadata.add('x-multi', 'a');
      metadata.add('x-multi', 'b');
      metadata.add('x-blob-bin', Buffer.from([9, 8, 7]));
      const seen: { header?: Metadata; trailer?: Metadata } = {};
      const message = await new Promise<string>((resolve, reject) => {
        const call = client.raw.makeUnaryRequest(
          `/${SERVICE}/Echo`,
          () => Buffer.from([0x0a, 7, ...Buffer.from('headers')]),
          (b: Buffer) => b.subarray(2).toString(),
          {},
          metadata,
          (e, r) => (e ? reject(e) : resolve(r as string)),
        );
        call.on('metadata', (m: Metadata) => (seen.header = m));
        call.on('status', (s: { metadata: Metadata }) => (seen.trailer = s.metadata));
      });
      const echoed = JSON.parse(message) as { multi: string; blob: string };
      assert.equal(echoed.multi, 'a, b');
      assert.deepEqual(Buffer.from(echoed.blob, 'base64'), Buffer.from([9, 8, 7]));
      assert.deepEqual(seen.header?.get('x-answer'), ['header']);
      // Headers carry a repeated field as one comma-joined value (RFC 9110 §5.3); both values arrive.
      assert.equal(seen.trailer?.get('x-trailer').join(', '), 'one, two');
      assert.deepEqual(seen.trailer?.get('x-blob-bin'), [Buffer.from([0, 1, 2, 255])]);
    } finally {
      client.close();
    }
  });

  test('a header grpc-js or HTTP/2 would refuse is left out; the call is still answered', async () => {
    const client = grpcJsClient(TokenManagerService, address(), pki.material('demo-service'), 'tokenmanager');
    try {
      assert.equal((await client.call('echo', { message: 'bad-headers' })).message, 'answered');
      assert.equal((await client.call('echo', { message: 'still serving' })).message, 'still serving');
    } finally {
      client.close();
    }
  });

  test('over HTTP/2 on the Connect port the caller is resolved once per connection', async () => {
    let resolved = 0;
    const counting = new (class extends ServiceIdentities {
      override resolve(certificate: Parameters<ServiceIdentities['resolve']>[0]) {
        resolved++;
        return super.resolve(certificate);
      }
    })('tessera.dev', (id) => registry[id]);
    const server = await startConnectServer('127.0.0.1', 0, { services: [edgeService()], tls, identities: counting, callers: servicePeersActingForUsers({ verifier, mayForward: () => false }), logger });
    const client = grpcJsClient(TokenManagerService, `127.0.0.1:${server.port}`, pki.material('demo-admin'), 'tokenmanager');
    try {
      for (let i = 0; i < 5; i++) assert.equal((await client.call('whoami', {})).subject, 'spiffe://tessera.dev/demo-admin');
      assert.equal(resolved, 1);
    } finally {
      client.close();
      await server.shutdown({ graceMs: 200 });
    }
  });

  test("a called service's typed error reaches the caller's code as its own domain error", async () => {
    const clientTls = new TlsWatcher(pki.files('demo-service'));
    translatingUpstream = createClient(
      TokenManagerService,
      createServiceTransport({
        address: address(),
        serverName: 'tokenmanager',
        tls: clientTls,
        translate: (error) => (error.findDetails(tokenmanagerV1.TokenErrorDetailSchema).length > 0 ? new ReloginRequired() : undefined),
      }),
    );
    const client = grpcJsClient(TokenManagerService, address(), pki.material('demo-service'), 'tokenmanager');
    try {
      await assert.rejects(client.call('echo', { message: 'translated' }), (e: GrpcError) => {
        assert.equal(e.code, status.FAILED_PRECONDITION);
        assert.equal(e.details, 'alice must log in again (relogin required)');
        return true;
      });
    } finally {
      client.close();
      translatingUpstream = undefined;
      clientTls.stop();
    }
  });

  test('a malformed message is INVALID_ARGUMENT on the Connect port (Connect and gRPC) and for health on the gRPC port', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: connect.port, path: `/${SERVICE}/Echo`, method: 'POST', servername: 'tokenmanager', ...pki.material('demo-service'), headers: { 'content-type': 'application/proto' } },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(Buffer.from([0x0a, 0xff]));
    });
    assert.equal(answer.status, 400);
    assert.equal(JSON.parse(answer.body).code, 'invalid_argument');
    const watch = await new Promise<Buffer>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: connect.port, path: '/grpc.health.v1.Health/Watch', method: 'POST', servername: 'tokenmanager', ...pki.material('demo-service'), headers: { 'content-type': 'application/connect+proto', 'connect-protocol-version': '1' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        },
      );
      req.on('error', reject);
      req.end(Buffer.from([0, 0, 0, 0, 2, 0x0a, 0xff])); // one envelope holding a malformed message
    });
    assert.equal(watch[0]! & 0x02, 0x02, 'an end-of-stream message');
    assert.equal((JSON.parse(watch.subarray(5).toString()) as { error: { code: string } }).error.code, 'invalid_argument', 'a streaming call over Connect too');
    for (const [port, path] of [[connect.port, `/${SERVICE}/Echo`], [grpc.port, '/grpc.health.v1.Health/Check'], [connect.port, '/grpc.health.v1.Health/Check']] as const) {
      const client = grpcJsClient(HealthService, `127.0.0.1:${port}`, pki.material('demo-service'), 'tokenmanager');
      await assert.rejects(
        new Promise((resolve, reject) =>
          client.raw.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0a, 0xff]), new Metadata(), (e, r) => (e ? reject(e) : resolve(r))),
        ),
        (e: GrpcError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT, `${path} on port ${port}`);
          return true;
        },
      );
      client.close();
    }
  });
});

describe('certificate material', () => {
  test('unusable files at start-up are a ConfigError naming the key', async () => {
    const pki = await createTestPki();
    try {
      const files = pki.files('tokenmanager');
      const construct = (f: typeof files) => () => new TlsWatcher(f, { configPath: 'apps.tokenmanager.tls' });
      assert.throws(construct({ ...files, certFile: '/nonexistent/tokenmanager.crt' }), (e: ConfigError) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /apps\.tokenmanager\.tls\.certFile: \/nonexistent\/tokenmanager\.crt does not exist/);
        return true;
      });
      assert.throws(construct({ ...files, keyFile: pki.files('demo-service').keyFile }), /apps\.tokenmanager\.tls\.keyFile: .* is not the private key of the certificate/);
    } finally {
      pki.remove();
    }
  });

  test('a reload keeps the old pair when the new key is of another type, or the certificate is expired or not yet valid', async () => {
    const pki = await createTestPki();
    const dir = mkdtempSync(join(tmpdir(), 'tessera-reload-'));
    const files = { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') };
    const source = pki.files('tokenmanager');
    copyFileSync(source.caFile, files.caFile);
    copyFileSync(source.certFile, files.certFile);
    copyFileSync(source.keyFile, files.keyFile);
    const tls = new TlsWatcher(files);
    const identities = new ServiceIdentities('tessera.dev', (id) => registry[id]);
    const server = await startGrpcServer('127.0.0.1', 0, { services: [edgeService()], tls, identities, callers: servicePeersActingForUsers({ verifier: undefined, mayForward: () => false }), logger });
    const served = () =>
      new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: server.port, servername: 'tokenmanager', ...pki.material('demo-service'), ALPNProtocols: ['h2'] }, () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        });
        socket.on('error', reject);
      });
    try {
      const original = await served();
      const day = 86_400_000;
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      const expired = await pki.issue({ dnsNames: ['tokenmanager'], notBefore: new Date(Date.now() - 10 * day), notAfter: new Date(Date.now() - day) });
      const future = await pki.issue({ dnsNames: ['tokenmanager'], notBefore: new Date(Date.now() + day), notAfter: new Date(Date.now() + 10 * day) });
      for (const [why, cert, key] of [
        ['an RSA key beside the EC certificate', readFileSync(source.certFile), Buffer.from(rsa)],
        ['an expired certificate', expired.cert, expired.key],
        ['a certificate not valid yet', future.cert, future.key],
      ] as const) {
        writeFileSync(files.certFile, cert);
        writeFileSync(files.keyFile, key);
        assert.equal(tls.check(), false, why);
        assert.equal(await served(), original, `${why}: the old certificate is still served`);
      }
      const fresh = await pki.issue({ dnsNames: ['tokenmanager'] });
      writeFileSync(files.certFile, fresh.cert);
      writeFileSync(files.keyFile, fresh.key);
      assert.equal(tls.check(), true, 'a usable pair is swapped in');
      assert.notEqual(await served(), original);
      const client = grpcJsClient(TokenManagerService, `127.0.0.1:${server.port}`, pki.material('demo-service'), 'tokenmanager');
      assert.equal((await client.call('echo', { message: 'after reload' })).message, 'after reload');
      client.close();
    } finally {
      await server.shutdown({ graceMs: 200 });
      pki.remove();
    }
  });

  test('a connect error from a called service keeps its details for the translator', async () => {
    // Guard for the transport: details parsed from grpc-status-details-bin, marked as from the wire.
    const pki = await createTestPki();
    const tls = new TlsWatcher(pki.files('tokenmanager'));
    const server = await startGrpcServer('127.0.0.1', 0, { services: [edgeService()], tls, identities: new ServiceIdentities('tessera.dev', (id) => registry[id]), callers: servicePeersActingForUsers({ verifier: undefined, mayForward: () => false }), logger });
    const clientTls = new TlsWatcher(pki.files('demo-service'));
    upstream = createClient(TokenManagerService, createServiceTransport({ address: `127.0.0.1:${server.port}`, serverName: 'tokenmanager', tls: clientTls }));
    try {
      const error = await upstream.ping({}).catch((e: unknown) => e);
      assert.ok(error instanceof ConnectError);
      assert.equal(error.isWireError, true);
      assert.equal(error.code, Code.FailedPrecondition);
      assert.equal(error.findDetails(tokenmanagerV1.TokenErrorDetailSchema).length, 1);
    } finally {
      upstream = undefined;
      clientTls.stop();
      await server.shutdown({ graceMs: 200 });
      pki.remove();
    }
  });
});

describe('shutdown', () => {
  test('a connection that never finishes its TLS handshake does not hold up either server past graceMs', async () => {
    const pki = await createTestPki();
    const tls = new TlsWatcher(pki.files('tokenmanager'));
    const options = { services: [edgeService()], tls, identities: new ServiceIdentities('tessera.dev', () => []), callers: servicePeersActingForUsers({ verifier: undefined, mayForward: () => false }), logger };
    try {
      for (const start of [startGrpcServer, startConnectServer]) {
        const server = await start('127.0.0.1', 0, options);
        const silent = netConnect({ host: '127.0.0.1', port: server.port });
        await new Promise((resolve) => silent.once('connect', resolve));
        const closed = new Promise((resolve) => silent.once('close', resolve));
        const started = Date.now();
        await server.shutdown({ graceMs: 300 });
        await closed;
        assert.ok(Date.now() - started < 3000, `${start.name} took ${Date.now() - started} ms`);
      }
    } finally {
      tls.stop();
      pki.remove();
    }
  });
});
