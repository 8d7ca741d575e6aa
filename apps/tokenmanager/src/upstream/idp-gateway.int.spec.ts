// tokenmanager's client of the idp-gateway, against the real gateway and the real dev-idp (each in
// its own process), over mTLS with tokenmanager's certificate.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, ConnectError } from '@connectrpc/connect';
import { idpgatewayV1 } from '@tessera/contracts';
import { TlsWatcher } from '@tessera/rpc';
import { createTestPki, freePort, startAppProcess, testEnv, type AppProcess, type TestPki } from '@tessera/testing';
import { connectIdpGateway } from './idp-gateway.js';
import { IdpGatewayError } from './idp-gateway-error.js';

let pki: TestPki;
let devIdp: AppProcess;
let gateway: AppProcess;
let tls: TlsWatcher;

before(async () => {
  pki = await createTestPki();
  // dev-idp must know its issuer before it listens, so its port is picked first.
  const issuer = `http://127.0.0.1:${await freePort()}`;
  devIdp = await startAppProcess('dev-idp', { TESSERA__APPS__DEVIDP__HTTP: issuer.slice('http://'.length), TESSERA__APPS__DEVIDP__ISSUER: issuer, TESSERA__IDPS__DEV_IDP__ISSUER: issuer }, [/^dev-idp listening$/]);
  gateway = await startAppProcess('idp-gateway', { ...testEnv(pki), TESSERA__IDPS__DEV_IDP__ISSUER: issuer }, [/^gRPC server listening$/]);
  tls = new TlsWatcher(pki.files('tokenmanager'));
});

after(async () => {
  tls?.stop();
  await gateway?.stop();
  await devIdp?.stop();
  pki?.remove();
});

test("the gateway's typed failure reaches tokenmanager's code as an IdpGatewayError it can act on", async () => {
  const gatewayClient = connectIdpGateway({ address: { host: '127.0.0.1', port: gateway.port(/^gRPC server listening$/) }, serverName: 'idp-gateway' }, tls);
  try {
    const error = await gatewayClient.client.refreshToken({ provider: 'dev-idp', refreshToken: 'not-a-refresh-token' }).catch((e: unknown) => e);
    assert.ok(error instanceof IdpGatewayError, `got ${String(error)}`);
    assert.equal(error.kind, idpgatewayV1.IdpErrorKind.INVALID_GRANT);
    assert.equal(error.oauthError, 'invalid_grant');
    assert.equal(error.retryable, false);
    assert.equal(error.code, Code.FailedPrecondition);
    assert.match(error.message, /the user must log in again/);
    const unknown = await gatewayClient.client.refreshToken({ provider: 'nope', refreshToken: 'x' }).catch((e: unknown) => e);
    assert.ok(unknown instanceof IdpGatewayError);
    assert.equal(unknown.kind, idpgatewayV1.IdpErrorKind.UNKNOWN_PROVIDER);
  } finally {
    gatewayClient.close();
  }
});

test('a gateway that cannot be reached is not an IdP failure: the transport error stays as it is', async () => {
  const gatewayClient = connectIdpGateway({ address: { host: '127.0.0.1', port: 1 }, serverName: 'idp-gateway' }, tls);
  try {
    const error = await gatewayClient.client.ping({}).catch((e: unknown) => e);
    assert.ok(error instanceof ConnectError && !(error instanceof IdpGatewayError));
    assert.equal(error.code, Code.Unavailable);
  } finally {
    gatewayClient.close();
  }
});
