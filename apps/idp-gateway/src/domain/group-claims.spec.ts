import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupScope, parseGroups } from './group-claims.js';

test('IAM: wlcg.groups paths, sorted and unique; raw claim kept', () => {
  const parsed = parseGroups({ 'wlcg.groups': ['/dirac/user', '/dirac/admin', '/dirac/user', 7, null] }, { type: 'iam', groupsClaim: 'wlcg.groups' });
  assert.deepEqual(parsed.groups, ['/dirac/admin', '/dirac/user']);
  assert.deepEqual(parsed.raw, [{ claim: 'wlcg.groups', values: ['/dirac/user', '/dirac/admin', '/dirac/user'] }]);
});

test('generic: a configured claim, a single string is one group, missing slash added', () => {
  assert.deepEqual(parseGroups({ groups: 'dirac user' }, { type: 'generic', groupsClaim: 'groups' }).groups, ['/dirac user']);
  assert.deepEqual(parseGroups({ memberOf: ['a', '/b'] }, { type: 'generic', groupsClaim: 'memberOf' }).groups, ['/a', '/b']);
  assert.deepEqual(parseGroups({}, { type: 'generic', groupsClaim: 'groups' }), { groups: [], raw: [] });
  assert.deepEqual(parseGroups({ groups: { a: 1 } }, { type: 'generic', groupsClaim: 'groups' }).groups, []);
});

test('Check-In: AARC-G002 entitlements become group paths, roles VOMS-style', () => {
  const claims = {
    eduperson_entitlement: [
      'urn:mace:egi.eu:group:dirac:role=member#aai.egi.eu',
      'urn:mace:egi.eu:group:dirac:prod:role=vm_operator#aai.egi.eu',
      'urn:geant:example.org:group:vo%3Aname:sub:role=member#idp.example.org',
      'urn:mace:egi.eu:group:dirac#aai.egi.eu',
      'not-a-urn',
      'urn:mace:egi.eu:group::role=member#aai.egi.eu',
      'urn:mace:egi.eu:group:bad%ZZ:role=member#aai.egi.eu',
      'urn:mace:egi.eu:res:something#aai.egi.eu',
    ],
  };
  const { groups } = parseGroups(claims, { type: 'checkin', groupsClaim: 'eduperson_entitlement' });
  assert.deepEqual(groups, ['/dirac', '/dirac/prod', '/dirac/prod/Role=vm_operator', '/vo:name/sub']);
});

test('a group scope exists only for IAM-style IdPs', () => {
  assert.equal(groupScope('iam', '/dirac/user'), 'wlcg.groups:/dirac/user');
  assert.equal(groupScope('checkin', '/dirac'), undefined);
  assert.equal(groupScope('generic', '/dirac'), undefined);
});
