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
