// The internal stack as separate processes, as `npm start` and Kubernetes run it: authserver
// reaches tokenmanager and idp-gateway over mTLS, and each app stops cleanly on SIGTERM.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPki, startAppProcess, testEnv, type AppProcess, type TestPki } from '@tessera/testing';

let pki: TestPki;
let tokenmanager: AppProcess;
let gateway: AppProcess;
let authserver: AppProcess;

before(async () => {
  pki = await createTestPki();
  [tokenmanager, gateway] = await Promise.all([
    startAppProcess('tokenmanager', testEnv(pki), [/^gRPC server listening$/, /^Connect server listening$/]),
    startAppProcess('idp-gateway', testEnv(pki), [/^gRPC server listening$/]),
  ]);
  authserver = await startAppProcess(
    'authserver',
    testEnv(pki, {
      TESSERA__APPS__AUTHSERVER__TOKENMANAGER__ADDRESS: `127.0.0.1:${tokenmanager.port(/^gRPC server listening$/)}`,
      TESSERA__APPS__AUTHSERVER__IDPGATEWAY__ADDRESS: `127.0.0.1:${gateway.port(/^gRPC server listening$/)}`,
    }),
    [/^authserver listening$/],
  );
});

after(async () => {
  await Promise.all([authserver?.stop(), tokenmanager?.stop(), gateway?.stop()]);
  pki.remove();
});

const readyz = async () => {
  const res = await fetch(`http://127.0.0.1:${authserver.port(/^authserver listening$/)}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
};

test('authserver is ready once it reaches tokenmanager and idp-gateway over mTLS', async () => {
  const ready = await readyz();
  assert.equal(ready.status, 200);
  assert.deepEqual(ready.body.checks, { tokenmanager: 'ok', 'idp-gateway': 'ok' });
});

test('a stopped dependency makes authserver unready, naming it; SIGTERM exits cleanly', async () => {
  assert.equal(await tokenmanager.stop(), 0);
  assert.ok(tokenmanager.logs.some((l) => l.msg === 'shutting down'));
  const ready = await readyz();
  assert.equal(ready.status, 503);
  assert.notEqual(ready.body.checks.tokenmanager, 'ok');
  assert.equal(ready.body.checks['idp-gateway'], 'ok');
});
