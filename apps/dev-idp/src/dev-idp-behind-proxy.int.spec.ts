import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy } from '@tessera/testing';
import * as oidc from 'openid-client';
import type { DevIdp } from './dev-idp-options.js';
import { buildDevIdp } from './factory.js';
import { devFixtures } from './fixtures.js';

const GATEWAY = { id: 'tessera-idp-gateway', secret: 'dev-idp-gateway-secret' };

describe('dev-idp behind a fault proxy', () => {
  let proxy: FaultProxy;
  let idp: DevIdp;
  let gateway: oidc.Configuration;
  before(async () => {
    // The issuer is the proxy's URL, so every endpoint in discovery sends clients through it.
    // The proxy starts first, pointing nowhere (port 9, discard) until the dev-idp listens.
    proxy = await startFaultProxy('http://127.0.0.1:9');
    idp = await buildDevIdp(devFixtures(proxy.url));
    proxy.setTarget(`http://127.0.0.1:${(await idp.listen(0)).port}`);
    gateway = await oidc.discovery(new URL(proxy.url), GATEWAY.id, GATEWAY.secret, undefined, { execute: [oidc.allowInsecureRequests] });
  });
  after(async () => {
    await proxy.close();
    await idp.close();
  });
  beforeEach(() => proxy.setFault({ kind: 'none' }));

  it('serves discovery through the proxy with endpoints at the proxy', async () => {
    const metadata = gateway.serverMetadata();
    assert.equal(metadata.issuer, proxy.url);
    assert.ok(metadata.token_endpoint?.startsWith(`${proxy.url}/`), metadata.token_endpoint);
    assert.ok(proxy.requests.some((r) => r.method === 'GET' && r.path === '/.well-known/openid-configuration'));
    assert.ok((await oidc.clientCredentialsGrant(gateway)).access_token);
  });

  it('fails a client credentials grant while the token endpoint answers 500', async () => {
    const tokenPath = new URL(gateway.serverMetadata().token_endpoint ?? '').pathname;
    proxy.setFault({ kind: 'status', status: 500, body: 'boom' }, { pathPrefix: tokenPath, times: 1 });
    await assert.rejects(oidc.clientCredentialsGrant(gateway), (error: unknown) => {
      // A non-JSON 500 is not an OAuth error response, so it is not a ResponseBodyError.
      assert.ok(!(error instanceof oidc.ResponseBodyError), String(error));
      return true;
    });
    assert.ok((await oidc.clientCredentialsGrant(gateway)).access_token, 'the next request goes through again');
  });

  it('fails a client credentials grant when the token endpoint drops the connection', async () => {
    proxy.setFault({ kind: 'drop' }, { pathPrefix: new URL(gateway.serverMetadata().token_endpoint ?? '').pathname });
    await assert.rejects(oidc.clientCredentialsGrant(gateway));
  });
});
