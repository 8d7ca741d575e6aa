import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { status, type ServiceError } from '@grpc/grpc-js';
import { IdpGatewayService } from '@tessera/contracts';
import type { RpcApp } from '@tessera/rpc';
import { createTestPki, grpcJsClient, testConfig, type TestPki } from '@tessera/testing';
import { buildIdpGateway } from './factory.js';

let pki: TestPki;
let app: RpcApp;
before(async () => {
  pki = await createTestPki();
  // Nothing listens on port 1: these tests need no IdP.
  app = await buildIdpGateway(testConfig(pki, { TESSERA__IDPS__DEV_IDP__ISSUER: 'http://127.0.0.1:1', TESSERA__IDPS__DEV_IDP__RETRIES: '0' })).listen();
});
after(async () => {
  await app.close({ graceMs: 1000 });
  pki.remove();
});

const client = (identity: string) => grpcJsClient(IdpGatewayService, `127.0.0.1:${app.grpcPort}`, pki.material(identity), 'idp-gateway');

test('Ping answers any caller with a certificate from the service CA', async () => {
  const c = client('demo-service');
  try {
    const ping = await c.call('ping', {});
    assert.equal(ping.service, 'tessera.idpgateway.v1.IdpGatewayService');
  } finally {
    c.close();
  }
});

test('IdP operations are for Tessera’s own services only', async () => {
  const outsider = client('demo-service');
  const authserver = client('authserver');
  try {
    await assert.rejects(outsider.call('listProviders', {}), (e: ServiceError) => e.code === status.PERMISSION_DENIED);
    const { providers } = await authserver.call('listProviders', {});
    assert.deepEqual(providers.map((p) => p.name), ['dev-idp']);
  } finally {
    outsider.close();
    authserver.close();
  }
});

test('each method admits exactly the callers its contract names, and refuses every other identity', async () => {
  const allowed: Record<string, string[]> = {
    listProviders: ['authserver', 'tokenmanager'],
    beginAuthorization: ['authserver'],
    completeAuthorization: ['authserver'],
    refreshToken: ['tokenmanager'],
    exchangeToken: ['tokenmanager'],
    clientCredentials: ['tokenmanager'],
    revokeToken: ['authserver', 'tokenmanager'],
    ping: ['authserver', 'tokenmanager', 'demo-service', 'demo-admin'],
  };
  const requests: Record<string, object> = {
    beginAuthorization: { provider: 'dev-idp', redirectUri: 'http://127.0.0.1:8080/auth/callback' },
    completeAuthorization: { sealedState: new Uint8Array([1]) },
    refreshToken: { provider: 'dev-idp', refreshToken: 'rt' },
    exchangeToken: { provider: 'dev-idp', subjectToken: 'st' },
    clientCredentials: { provider: 'dev-idp' },
    revokeToken: { provider: 'dev-idp', token: 't' },
  };
  for (const identity of ['authserver', 'tokenmanager', 'demo-service', 'demo-admin']) {
    const c = client(identity);
    try {
      for (const [method, callers] of Object.entries(allowed)) {
        // Past the rule, the call reaches the handler, which fails for want of an IdP here.
        const code = await c.call(method as 'ping', (requests[method] ?? {}) as never, { deadlineMs: 3000 }).then(
          () => status.OK,
          (e: ServiceError) => e.code,
        );
        if (callers.includes(identity)) assert.notEqual(code, status.PERMISSION_DENIED, `${identity} may call ${method}`);
        else assert.equal(code, status.PERMISSION_DENIED, `${identity} may not call ${method}`);
      }
    } finally {
      c.close();
    }
  }
});
