import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { idpgatewayV1 } from '@tessera/contracts';
import type { TokenEndpointResponse } from 'openid-client';
import { instantAt, MAX_LIFETIME_S, shapeTokens } from './token-set.js';

const RECEIVED = Date.UTC(2030, 0, 1);
const response = (extra: Record<string, unknown>): TokenEndpointResponse =>
  ({ access_token: 'at', refresh_token: 'rt-rotated', token_type: 'bearer', ...extra }) as TokenEndpointResponse;

/** Shapes, and serialises as the RPC edge will: neither may throw on what the IdP sent. */
function shaped(extra: Record<string, unknown>, receivedAt = RECEIVED): idpgatewayV1.TokenSet {
  const tokenSet = create(idpgatewayV1.TokenSetSchema, shapeTokens(response(extra), ['openid'], 'tessera', receivedAt).tokenSet);
  toBinary(idpgatewayV1.TokenSetSchema, tokenSet);
  return tokenSet;
}
const ms = (t: Timestamp | undefined) => (t ? timestampMs(t) : undefined);

test('lifetimes become absolute times from the moment of receipt', () => {
  const tokenSet = shaped({ expires_in: 3600, refresh_expires_in: 86_400 });
  assert.equal(ms(tokenSet.expiresAt), RECEIVED + 3_600_000);
  assert.equal(ms(tokenSet.refreshExpiresAt), RECEIVED + 86_400_000);
  assert.equal(ms(tokenSet.issuedAt), RECEIVED);
  assert.equal(tokenSet.refreshToken, 'rt-rotated');
});

test('an unusable lifetime is left unset, never a RangeError that would lose the rotated refresh token', () => {
  for (const bad of [1e300, Number.MAX_VALUE, Infinity, -Infinity, NaN, -1, 0, 0.5, MAX_LIFETIME_S + 1, '3600', null, {}, true]) {
    const tokenSet = shaped({ expires_in: bad, refresh_expires_in: bad });
    assert.equal(tokenSet.expiresAt, undefined, `expires_in ${String(bad)}`);
    assert.equal(tokenSet.refreshExpiresAt, undefined, `refresh_expires_in ${String(bad)}`);
    assert.equal(tokenSet.refreshToken, 'rt-rotated');
  }
});

test('a fractional lifetime is cut to whole seconds; ten years is still taken', () => {
  assert.equal(ms(shaped({ expires_in: 3599.9 }).expiresAt), RECEIVED + 3_599_000);
  assert.equal(ms(shaped({ refresh_expires_in: MAX_LIFETIME_S }).refreshExpiresAt), RECEIVED + MAX_LIFETIME_S * 1000);
  assert.equal(ms(shaped({ expires_in: 60 }, RECEIVED + 0.25).expiresAt), RECEIVED + 60_000);
});

test('auth_time: a past instant in whole seconds; huge, future, negative or odd values are dropped', () => {
  const now = RECEIVED;
  assert.equal(ms(instantAt(now / 1000 - 60, now)), now - 60_000);
  assert.equal(ms(instantAt(now / 1000 - 59.5, now)), now - 60_000);
  assert.ok(instantAt(now / 1000 + 60, now), 'clock skew is tolerated');
  for (const bad of [1e300, Infinity, NaN, -5, 0, now / 1000 + 3600, '1700000000', undefined]) {
    assert.equal(instantAt(bad, now), undefined, String(bad));
  }
});
