import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestedScope } from './login.js';

test('the login scope: group, lifetime in seconds, offline_access, then the extra ones, once each', () => {
  assert.equal(requestedScope({}), 'offline_access');
  assert.equal(requestedScope({ group: 'dirac_user', lifetime: 12 * 3_600_000, scope: ['openid', 'offline_access'] }), 'g:dirac_user lifetime:43200 offline_access openid');
});
