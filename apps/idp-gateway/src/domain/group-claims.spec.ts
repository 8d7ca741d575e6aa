import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupScope, parseGroups, type GroupMapping } from './group-claims.js';

const generic: GroupMapping = { type: 'generic', groupsClaim: 'groups' };
const iam: GroupMapping = { type: 'iam', groupsClaim: 'wlcg.groups' };
const checkin: GroupMapping = { type: 'checkin', groupsClaim: 'eduperson_entitlement' };
const EGI = (body: string) => `urn:mace:egi.eu:group:${body}#aai.egi.eu`;

test('generic: an array of groups, or one string as one group; a leading "/" added', () => {
  assert.deepEqual(parseGroups({ groups: ['dirac/user', '/dirac/admin'] }, generic).groups, ['/dirac/admin', '/dirac/user']);
  assert.deepEqual(parseGroups({ groups: 'dirac user,admin' }, generic), {
    groups: ['/dirac user,admin'],
    raw: [{ claim: 'groups', values: ['dirac user,admin'] }],
  });
  assert.deepEqual(parseGroups({ memberOf: ['a'], groups: ['b'] }, { type: 'generic', groupsClaim: 'memberOf' }).groups, ['/a']);
});

test('IAM: wlcg.groups paths, and a configured plain groups claim as well', () => {
  const claims = { 'wlcg.groups': ['/dirac/user', '/dirac'], groups: ['dirac/user', 'dirac/prod'] };
  assert.deepEqual(parseGroups(claims, iam).groups, ['/dirac', '/dirac/user']);
  assert.deepEqual(parseGroups(claims, { type: 'iam', groupsClaim: 'groups' }), {
    groups: ['/dirac', '/dirac/prod', '/dirac/user'],
    raw: [
      { claim: 'wlcg.groups', values: ['/dirac/user', '/dirac'] },
      { claim: 'groups', values: ['dirac/user', 'dirac/prod'] },
    ],
  });
});

test('Check-In: a group and its subgroups become a path; a role other than member adds <path>/Role=<role>', () => {
  const parse = (...values: string[]) => parseGroups({ eduperson_entitlement: values }, checkin).groups;
  assert.deepEqual(parse(EGI('dirac:role=member')), ['/dirac']);
  assert.deepEqual(parse(EGI('dirac')), ['/dirac'], 'no role: plain membership');
  assert.deepEqual(parse(EGI('dirac:prod:role=vm_operator')), ['/dirac/prod', '/dirac/prod/Role=vm_operator']);
  assert.deepEqual(parse(EGI('dirac:prod:calib:role=member')), ['/dirac/prod/calib']);
  assert.deepEqual(parse('urn:geant:h-df.de:group:aai-admin:role=member#unity.helmholtz-data-federation.de'), ['/aai-admin']);
  assert.deepEqual(parse('URN:mace:egi.eu:GROUP:dirac:ROLE=Admin#aai.egi.eu'), ['/dirac', '/dirac/Role=Admin']);
});

test('Check-In: names are percent-decoded (AARC-G002), and decoding cannot forge structure', () => {
  const parse = (...values: string[]) => parseGroups({ eduperson_entitlement: values }, checkin).groups;
  assert.deepEqual(parse(EGI('vo%3Aname:sub%23x:role=data%20manager')), ['/vo:name/sub#x', '/vo:name/sub#x/Role=data manager']);
  assert.deepEqual(parse(EGI('dirac%2Fadmin:role=member')), [], 'an encoded "/" would add a level');
  assert.deepEqual(parse(EGI('dirac:%72ole=admin')), [], 'an encoded "role=" would pose as a role');
  assert.deepEqual(parse(EGI('dirac:role=a%2Fb')), []);
  assert.deepEqual(parse(EGI('bad%ZZ:role=member'), EGI('bad%C0:role=member')), [], 'invalid escapes and UTF-8');
});

test('Check-In: malformed entitlements are skipped without throwing', () => {
  const malformed = [
    'not-a-urn',
    '/dirac/user',
    'urn:mace:egi.eu:group:dirac:role=member', // no authority
    'urn:mace:egi.eu:group:dirac:role=member#', // empty authority
    'urn:mace:egi.eu:group:dirac#a#b',
    'urn:mace:group:dirac#aai.egi.eu', // namespace lacks a delegated namespace
    'urn::egi.eu:group:dirac#aai.egi.eu',
    'urn:mace:egi.eu:group:#aai.egi.eu',
    EGI(':role=member'),
    EGI('role=member'),
    EGI('dirac::prod'),
    EGI('dirac:..:admin'),
    EGI('dirac:role=member:prod'),
    EGI('dirac:role='),
    EGI('dirac prod'),
    'urn:mace:egi.eu:res:dirac:storage#aai.egi.eu', // AARC-G027 capability, not a group
  ];
  const parsed = parseGroups({ eduperson_entitlement: [...malformed, EGI('dirac:role=member')] }, checkin);
  assert.deepEqual(parsed.groups, ['/dirac']);
  assert.equal(parsed.raw[0]?.values.length, malformed.length + 1, 'raw keeps every string as sent');
});

test('groups are unique and sorted; raw keeps the values unchanged, non-strings dropped', () => {
  const parsed = parseGroups({ eduperson_entitlement: [EGI('b:role=member'), 7, EGI('a:role=x'), null, EGI('a:role=member'), EGI('a:role=x'), { g: 1 }] }, checkin);
  assert.deepEqual(parsed.groups, ['/a', '/a/Role=x', '/b']);
  assert.deepEqual(parsed.raw, [{ claim: 'eduperson_entitlement', values: [EGI('b:role=member'), EGI('a:role=x'), EGI('a:role=member'), EGI('a:role=x')] }]);
  assert.deepEqual(parseGroups({ 'wlcg.groups': ['/z', '/a', '/z', '', 3] }, iam).groups, ['/a', '/z']);
});

test('a missing claim, or one that is neither a string nor an array, gives no groups', () => {
  for (const mapping of [generic, iam, checkin]) {
    assert.deepEqual(parseGroups({}, mapping), { groups: [], raw: [] });
    for (const value of [{ a: 1 }, 42, true, null]) {
      assert.deepEqual(parseGroups({ [mapping.groupsClaim]: value }, mapping), { groups: [], raw: [] });
    }
  }
  assert.deepEqual(parseGroups({ groups: [] }, generic), { groups: [], raw: [{ claim: 'groups', values: [] }] });
  assert.deepEqual(parseGroups({ groups: '' }, generic).groups, []);
  assert.deepEqual(parseGroups({ eduperson_entitlement: EGI('dirac:role=member') }, checkin).groups, ['/dirac'], 'a single entitlement');
});

test('a group scope exists only for IAM-style IdPs', () => {
  assert.equal(groupScope('iam', '/dirac/user'), 'wlcg.groups:/dirac/user');
  assert.equal(groupScope('iam', 'dirac/user'), 'wlcg.groups:/dirac/user');
  assert.equal(groupScope('checkin', '/dirac'), undefined);
  assert.equal(groupScope('generic', '/dirac'), undefined);
});

test('Check-In: only entitlements of the configured authorities count', () => {
  const claims = {
    eduperson_entitlement: ['urn:mace:egi.eu:group:dirac:role=member#aai.egi.eu', 'urn:x:other.org:group:atlas:role=member#other.org'],
  };
  const mapping = { type: 'checkin', groupsClaim: 'eduperson_entitlement' } as const;
  assert.deepEqual(parseGroups(claims, mapping).groups, ['/atlas', '/dirac']);
  assert.deepEqual(parseGroups(claims, { ...mapping, entitlementAuthorities: ['aai.egi.eu'] }).groups, ['/dirac']);
});
