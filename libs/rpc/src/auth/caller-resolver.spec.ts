import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code } from '@connectrpc/connect';
import { ServiceError } from '../errors.js';
import type { ServiceCaller } from './caller.js';
import { bearerUsers, servicePeersActingForUsers, type UserTokenVerifier } from './caller-resolver.js';

const authserver: ServiceCaller = { kind: 'service', id: 'spiffe://tessera.dev/authserver', uris: [], dnsNames: [], properties: new Set(['TokenIssuer']), certificateNotAfter: new Date(), certificateFingerprint: 'f' };
const failing = (error: unknown): UserTokenVerifier => ({ verify: () => Promise.reject(error) });
const codeOf = async (promise: unknown) => {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ServiceError, String(error));
    return { code: Code[error.code], message: error.message };
  }
  assert.fail('resolved');
};

test('a refused token is UNAUTHENTICATED; a verifier that could not decide is UNAVAILABLE; neither repeats its words', async () => {
  const refusal = Object.assign(new Error('jwt signature mismatch for kid k1'), { rejected: true });
  const outage = new Error('JWKS fetch failed: ECONNREFUSED 10.0.0.1');
  for (const resolver of [bearerUsers(failing(refusal)), servicePeersActingForUsers({ verifier: failing(refusal), mayForward: () => true })]) {
    const call = { peer: authserver, header: (name: string) => (name === 'authorization' || name === 'tessera-user-token' ? 'Bearer abc' : undefined) };
    assert.deepEqual(await codeOf(resolver.resolve(call)), { code: 'Unauthenticated', message: 'the access token is not valid' });
  }
  const call = { peer: authserver, header: () => 'Bearer abc' };
  assert.deepEqual(await codeOf(bearerUsers(failing(outage)).resolve(call)), { code: 'Unavailable', message: 'the access token cannot be verified now; retry later' });
});
