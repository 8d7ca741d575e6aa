import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactEncrypt, decodeProtectedHeader } from 'jose';
import { deriveKey, SealedStateError, StateSealer, type FlowState, type SealedStateFailure } from './sealed-state.js';

const NOW = 1_700_000_000_000;
const VERIFIER = 'pkce-verifier-Zk3q9VbX0aLr7TmW2yHc5NeUg8JdPs4FiO6Qx1Bt';
const flow = (expiresAt = NOW + 60_000): FlowState => ({
  provider: 'dev-idp',
  codeVerifier: VERIFIER,
  state: 'state-1',
  nonce: 'nonce-1',
  redirectUri: 'http://127.0.0.1:8080/auth/callback',
  scopes: ['openid', 'wlcg.groups:/dirac/user'],
  expiresAt,
});
const key = (fill: number) => new Uint8Array(32).fill(fill);
const sealerFor = (...keys: Uint8Array[]) => new StateSealer(keys, { now: () => NOW });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Rejects with `reason`, and the error says nothing of the blob or the verifier. */
async function rejects(promise: Promise<unknown>, reasons: SealedStateFailure[], sealed?: Uint8Array) {
  const secrets = [VERIFIER, ...(sealed ? [text(sealed)] : [])];
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SealedStateError, String(error));
    assert.ok(reasons.includes(error.reason), `${error.reason} not in ${reasons.join(', ')}`);
    assert.equal(error.cause, undefined);
    for (const secret of secrets) {
      for (let i = 0; i + 8 <= secret.length; i++) assert.ok(!String(error.stack).includes(secret.slice(i, i + 8)), 'leaks the blob or verifier');
    }
    return true;
  });
}

test('round trip: a compact dir/A256GCM JWE with kid and typ that does not reveal the state', async () => {
  const sealer = sealerFor(key(1));
  const sealed = await sealer.seal(flow());
  assert.equal(text(sealed).split('.').length, 5);
  assert.ok(!text(sealed).includes('pkce-verifier') && !text(sealed).includes('dev-idp'));
  const header = decodeProtectedHeader(text(sealed));
  assert.deepEqual(header, { alg: 'dir', enc: 'A256GCM', kid: header.kid, typ: 'tessera-flow+jwe' });
  assert.match(String(header.kid), /^[0-9a-f]{8}$/);
  assert.deepEqual(await sealer.open(sealed), flow());
});

test('extra properties of the input are neither sealed nor returned', async () => {
  const sealer = sealerFor(key(1));
  const opened = await sealer.open(await sealer.seal({ ...flow(), extra: 'x' } as FlowState));
  assert.deepEqual(opened, flow());
});

test('rotation: sealed with the old key, opened by a sealer whose keys are [new, old]', async () => {
  const sealed = await sealerFor(key(1)).seal(flow());
  const rotated = sealerFor(key(2), key(1));
  assert.deepEqual(await rotated.open(sealed), flow());
  const resealed = await rotated.seal(flow());
  assert.notEqual(decodeProtectedHeader(text(resealed)).kid, decodeProtectedHeader(text(sealed)).kid, 'the first key seals');
  await rejects(sealerFor(key(1)).open(resealed), ['unknown-key'], resealed);
});

test('a sealer without the key: unknown-key', async () => {
  const sealed = await sealerFor(key(1)).seal(flow());
  await rejects(sealerFor(key(2)).open(sealed), ['unknown-key'], sealed);
});

test('any flipped bit is refused', async () => {
  const sealer = sealerFor(key(1));
  const sealed = await sealer.seal(flow());
  const headerEnd = text(sealed).indexOf('.');
  for (let i = 0; i < sealed.length; i++) {
    const tampered = Uint8Array.from(sealed);
    tampered[i]! ^= 1;
    // A changed header may name another key; everywhere else the GCM tag or the encoding fails.
    await rejects(sealer.open(tampered), i < headerEnd ? ['malformed', 'unknown-key', 'tampered'] : ['malformed', 'tampered'], sealed);
  }
});

test('a changed tag or ciphertext is tampered', async () => {
  const sealer = sealerFor(key(1));
  const sealed = await sealer.seal(flow());
  const parts = text(sealed).split('.');
  const swap = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  for (const index of [2, 3, 4]) {
    const changed = parts.map((p, i) => (i === index ? swap(p) : p)).join('.');
    await rejects(sealer.open(bytes(changed)), ['tampered'], sealed);
  }
});

test('expired: at or after expiresAt, by the injected clock', async () => {
  const sealer = sealerFor(key(1));
  await rejects(sealer.open(await sealer.seal(flow(NOW))), ['expired']);
  await rejects(sealer.open(await sealer.seal(flow(NOW - 1))), ['expired']);
  assert.equal((await sealer.open(await sealer.seal(flow(NOW + 1)))).expiresAt, NOW + 1);
});

test('garbage is malformed', async () => {
  const sealer = sealerFor(key(1));
  const sealed = text(await sealer.seal(flow()));
  const [header, , iv, ciphertext, tag] = sealed.split('.');
  const garbage = [
    '',
    'garbage',
    'a.b.c.d.e',
    `${header}.${iv}.${ciphertext}.${tag}`,
    `${header}.AAAA.${iv}.${ciphertext}.${tag}`,
    `${sealed}.`,
    `${sealed}=`,
    ` ${sealed}`,
    'x'.repeat(20_000),
  ];
  for (const value of garbage) await rejects(sealer.open(bytes(value)), ['malformed'], bytes(value));
  await rejects(sealer.open(Uint8Array.of(0xff, 0xfe, 0x2e)), ['malformed']);
});

test('a decryptable payload of the wrong shape, or a header of the wrong type, is malformed', async () => {
  const k = key(1);
  const kid = String(decodeProtectedHeader(text(await sealerFor(k).seal(flow()))).kid);
  const encrypt = (payload: unknown, typ = 'tessera-flow+jwe') =>
    new CompactEncrypt(bytes(JSON.stringify(payload))).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, typ }).encrypt(k);
  const { scopes: _s, ...withoutScopes } = flow();
  const shapes: unknown[] = [null, [], 'flow', withoutScopes, { ...flow(), nonce: 1 }, { ...flow(), scopes: ['openid', 2] }, { ...flow(), expiresAt: '1' }];
  for (const shape of shapes) await rejects(sealerFor(k).open(bytes(await encrypt(shape))), ['malformed']);
  await rejects(sealerFor(k).open(bytes(await encrypt(flow(), 'JWT'))), ['malformed']);
});

test('the constructor wants at least one 32-byte key; seal refuses an incomplete state', async () => {
  assert.throws(() => new StateSealer([]));
  assert.throws(() => new StateSealer([new Uint8Array(16)]));
  await assert.rejects(sealerFor(key(1)).seal({ ...flow(), scopes: undefined } as unknown as FlowState), TypeError);
});

test('deriveKey: HKDF-SHA256 with the v1 info, deterministic, 32 bytes; short secrets refused', async () => {
  const secret = 'an operator secret of 32+ chars!!';
  const derived = await deriveKey(secret);
  assert.equal(derived.length, 32);
  assert.deepEqual(await deriveKey(secret), derived);
  assert.notDeepEqual(await deriveKey(`${secret}x`), derived);
  // The same derivation through WebCrypto, as an independent check of the parameters.
  const ikm = await crypto.subtle.importKey('raw', bytes(secret), 'HKDF', false, ['deriveBits']);
  const info = bytes('tessera idp-gateway flow state v1');
  const expected = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info }, ikm, 256);
  assert.deepEqual(derived, new Uint8Array(expected));
  await assert.rejects(deriveKey('x'.repeat(31)), /at least 32 characters/);
  const sealer = new StateSealer([derived]);
  assert.equal((await sealer.open(await sealer.seal(flow(Date.now() + 60_000)))).codeVerifier, VERIFIER);
});
