import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RegistryConfig } from '@tessera/config';
import { OAuthError } from './errors.js';
import { notWithin, parseScope } from './scopes.js';

const registry = { vos: { dirac: { idp: 'dev-idp' } }, groups: { dirac_user: { vo: 'dirac', properties: [], idpScopes: [] } }, users: {}, services: {} } as unknown as RegistryConfig;
const policy = { registry, maxAccessTokenLifetime: 3_600_000 };

function refused(scope: string): OAuthError {
  try {
    parseScope(scope, policy);
  } catch (error) {
    assert.ok(error instanceof OAuthError);
    assert.equal(error.error, 'invalid_scope');
    return error;
  }
  assert.fail(`${scope} was accepted`);
}

describe('parseScope', () => {
  it('reads the group, the lifetime and the fixed scopes into a canonical order', () => {
    const scope = parseScope('lifetime:600 g:dirac_user offline_access  openid', policy);
    assert.equal(scope.group, 'dirac_user');
    assert.equal(scope.lifetimeMs, 600_000);
    assert.ok(scope.openid && scope.offlineAccess && !scope.profile);
    assert.deepEqual(scope.tokens, ['openid', 'offline_access', 'g:dirac_user', 'lifetime:600']);
    assert.deepEqual(parseScope(undefined, policy).tokens, []);
  });

  it('names the offending value in every refusal', () => {
    assert.match(refused('proxy').description, /X\.509 proxies are not part of Tessera/);
    assert.match(refused('g:nope').description, /g:nope/);
    assert.match(refused('g:dirac_user g:other').description, /only one group/);
    assert.match(refused('lifetime:7200').description, /lifetime:7200.*lifetime:3600/);
    assert.match(refused('lifetime:-5').description, /lifetime:-5/);
    assert.match(refused('lifetime:1e3').description, /lifetime:1e3/);
    assert.match(refused('email').description, /unknown scope email/);
    assert.match(refused('a"b').description, /RFC 6749/);
  });

  it('notWithin lists what a request adds to a grant, ignoring the lifetime', () => {
    const scope = parseScope('openid profile lifetime:60', policy);
    assert.deepEqual(notWithin(scope, ['openid', 'lifetime:600']), ['profile']);
    assert.deepEqual(notWithin(parseScope('openid', policy), ['openid', 'profile']), []);
  });
});
