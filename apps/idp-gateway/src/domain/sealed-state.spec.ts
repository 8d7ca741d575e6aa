import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveKey, SealedStateError, StateSealer, type FlowState } from './sealed-state.js';

const flow = (expiresAt = Date.now() + 60_000): FlowState => ({
  provider: 'dev-idp',
  codeVerifier: 'verifier-abcdefghijklmnopqrstuvwxyz0123456789',
  state: 'st',
  nonce: 'n',
  redirectUri: 'http://127.0.0.1:8080/auth/callback',
  scopes: ['openid'],
  expiresAt,
});
const reason = (r: string) => (e: unknown) => e instanceof SealedStateError && e.reason === r && !/verifier/.test(e.message);

test('round trip; the sealed blob does not reveal the verifier', async () => {
  const sealer = new StateSealer([await deriveKey('a'.repeat(32))]);
  const sealed = await sealer.seal(flow());
  assert.doesNotMatch(new TextDecoder().decode(sealed), /verifier/);
  assert.deepEqual((await sealer.open(sealed)).codeVerifier, flow().codeVerifier);
});

test('rotation: state sealed with the old key opens while the old key is still listed', async () => {
  const [oldKey, newKey] = await Promise.all([deriveKey('o'.repeat(32)), deriveKey('n'.repeat(32))]);
  const sealed = await new StateSealer([oldKey]).seal(flow());
  assert.equal((await new StateSealer([newKey, oldKey]).open(sealed)).provider, 'dev-idp');
  await assert.rejects(new StateSealer([newKey]).open(sealed), reason('unknown-key'));
});

test('tampered, expired and garbage states are refused with a reason', async () => {
  const sealer = new StateSealer([await deriveKey('k'.repeat(32))]);
  const sealed = await sealer.seal(flow());
  const tampered = Uint8Array.from(sealed);
  tampered[tampered.length - 3]! ^= 1;
  await assert.rejects(sealer.open(tampered), reason('tampered'));
  await assert.rejects(sealer.open(await sealer.seal(flow(Date.now() - 1))), reason('expired'));
  await assert.rejects(sealer.open(new TextEncoder().encode('garbage')), reason('malformed'));
});

test('keys are derived deterministically from secrets of at least 32 characters', async () => {
  assert.deepEqual(await deriveKey('s'.repeat(32)), await deriveKey('s'.repeat(32)));
  assert.notDeepEqual(await deriveKey('s'.repeat(32)), await deriveKey('t'.repeat(32)));
  await assert.rejects(deriveKey('short'));
});
