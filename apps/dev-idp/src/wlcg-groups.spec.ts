import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupsForScope } from './wlcg-groups.js';

const alice = ['/dirac/user', '/dirac/admin'];

describe('groupsForScope', () => {
  it('releases nothing without a groups scope', () => {
    assert.equal(groupsForScope(alice, 'openid profile'), undefined);
  });

  it('releases every group for the bare wlcg.groups scope', () => {
    assert.deepEqual(groupsForScope(alice, 'openid wlcg.groups'), alice);
  });

  it('releases only requested groups the account holds, in request order', () => {
    assert.deepEqual(groupsForScope(alice, 'wlcg.groups:/dirac/admin wlcg.groups:/other/x wlcg.groups:/dirac/user'), ['/dirac/admin', '/dirac/user']);
  });

  it('puts requested groups first when the bare scope is also asked for', () => {
    assert.deepEqual(groupsForScope(alice, 'wlcg.groups wlcg.groups:/dirac/admin'), ['/dirac/admin', '/dirac/user']);
  });
});
