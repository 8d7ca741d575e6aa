// dev-idp as `npm start` runs it: configured from Tessera's configuration file and environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startAppProcess } from '@tessera/testing';

test('main.ts serves the configured accounts, client secret and token lifetimes', async () => {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const idp = await startAppProcess(
    'dev-idp',
    {
      TESSERA__APPS__DEVIDP__HTTP: `127.0.0.1:${port}`,
      TESSERA__APPS__DEVIDP__ISSUER: issuer,
      TESSERA__IDPS__DEV_IDP__ISSUER: issuer,
      TESSERA__IDPS__DEV_IDP__CLIENTSECRETS: '[configured-secret]',
      TESSERA__APPS__DEVIDP__TTL__ACCESSTOKEN: '7s',
    },
    [/^dev-idp listening$/],
  );
  try {
    const token = (secret: string) =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tessera-idp-gateway', client_secret: secret }),
      });
    const ok = await token('configured-secret');
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { expires_in: number }).expires_in, 7);
    const refused = await token('dev-idp-gateway-secret');
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid_client');
  } finally {
    assert.equal(await idp.stop(), 0);
  }
});
