import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupScope, MAX_GROUP_VALUES, parseGroups, type GroupMapping } from './group-claims.js';

const generic: GroupMapping = { type: 'generic', groupsClaim: 'groups' };
const iam: GroupMapping = { type: 'iam', groupsClaim: 'wlcg.groups' };
const checkin: GroupMapping = { type: 'checkin', groupsClaim: 'eduperson_entitlement', entitlementNamespaces: ['urn:mace:egi.eu', 'urn:geant:h-df.de'] };
const EGI = (body: string) => `urn:mace:egi.eu:group:${body}#aai.egi.eu`;
const entitlements = (mapping: GroupMapping, ...values: string[]) => parseGroups({ eduperson_entitlement: values }, mapping);
const wlcg = (...values: string[]) => parseGroups({ 'wlcg.groups': values }, iam);

test('generic: an array of groups, or one string as one group; a leading "/" added', () => {
  assert.deepEqual(parseGroups({ groups: ['dirac/user', '/dirac/admin'] }, generic).groups, ['/dirac/admin', '/dirac/user']);
  assert.deepEqual(parseGroups({ groups: 'dirac/user' }, generic), { groups: ['/dirac/user'], raw: [{ claim: 'groups', values: ['dirac/user'] }], rejected: [] });
  // Never split: one string is one value, here one that is no group path (space and "," are no name characters).
  assert.deepEqual(parseGroups({ groups: 'dirac user,admin' }, generic), {
    groups: [],
    raw: [{ claim: 'groups', values: ['dirac user,admin'] }],
    rejected: [{ reason: 'invalid_name', count: 1 }],
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
    rejected: [],
  });
});

test('IAM: a wlcg.groups value must already be a path (WLCG Common JWT Profiles §3.2)', () => {
  assert.deepEqual(wlcg('dirac/user', '/dirac'), { groups: ['/dirac'], raw: [{ claim: 'wlcg.groups', values: ['dirac/user', '/dirac'] }], rejected: [{ reason: 'malformed', count: 1 }] });
  assert.deepEqual(wlcg('/cms/uscms/Role=production').groups, ['/cms/uscms/Role=production']);
});

test('IAM and generic: "..", empty segments, control characters and NUL give no group, and are counted', () => {
  const attacks = ['/dirac/../admin', '/dirac/..', '/dirac//admin', '//dirac', '/dirac/', '/dirac\n/admin', '/dirac/user\n', '/dirac\u0000admin', '/dirac\u202e/nimda', '/dirac\u200b', '/dirac\u0085', '/dirac\u2028admin', '/dirac\tadmin'];
  for (const value of attacks) {
    assert.deepEqual(wlcg(value, '/dirac/user').groups, ['/dirac/user'], `iam ${JSON.stringify(value)}`);
    assert.deepEqual(wlcg(value).rejected, [{ reason: 'invalid_name', count: 1 }], `iam ${JSON.stringify(value)}`);
    assert.deepEqual(parseGroups({ groups: [value, 'dirac/user'] }, generic).groups, ['/dirac/user'], `generic ${JSON.stringify(value)}`);
  }
  for (const value of ['dirac/../admin', 'dirac//admin', 'dirac\n/admin', 'dirac\u0000admin', 'dirac/']) {
    assert.deepEqual(parseGroups({ groups: [value, 'dirac/user'] }, generic).groups, ['/dirac/user'], `generic ${JSON.stringify(value)}`);
  }
  assert.deepEqual(parseGroups({ groups: ['..', '/..', '.', ''] }, generic).rejected, [{ reason: 'invalid_name', count: 4 }]);
});

test('Check-In: a group and its subgroups become a path; a role other than member adds <path>/Role=<role>', () => {
  const parse = (...values: string[]) => entitlements(checkin, ...values).groups;
  assert.deepEqual(parse(EGI('dirac:role=member')), ['/dirac']);
  assert.deepEqual(parse(EGI('dirac')), ['/dirac'], 'no role: plain membership');
  assert.deepEqual(parse(EGI('dirac:prod:role=vm_operator')), ['/dirac/prod', '/dirac/prod/Role=vm_operator']);
  assert.deepEqual(parse(EGI('dirac:prod:calib:role=member')), ['/dirac/prod/calib']);
  assert.deepEqual(parse(EGI('vo.access.egi.eu:role=member')), ['/vo.access.egi.eu']);
  assert.deepEqual(parse('urn:geant:h-df.de:group:aai-admin:role=member#unity.helmholtz-data-federation.de'), ['/aai-admin']);
  assert.deepEqual(parse('URN:mace:egi.eu:GROUP:dirac:ROLE=Admin#aai.egi.eu'), ['/dirac', '/dirac/Role=Admin']);
});

test('Check-In: names are percent-decoded (AARC-G002), and decoding cannot forge structure or smuggle characters', () => {
  const parse = (...values: string[]) => entitlements(checkin, ...values);
  assert.deepEqual(parse(EGI('vo%2Dname:sub%5Fx:role=data%2Dmanager')).groups, ['/vo-name/sub_x', '/vo-name/sub_x/Role=data-manager']);
  for (const body of [
    'dirac%2Fadmin:role=member', // an encoded "/" would add a level
    'dirac:%72ole=admin', // an encoded "role=" would pose as a role
    'dirac:role=a%2Fb',
    'dirac%0Aadmin:role=member', // %0A: a line feed
    'dirac%00:role=member', // %00: NUL
    'dirac%E2%80%AE:role=member', // %E2%80%AE: U+202E RIGHT-TO-LEFT OVERRIDE
    'dirac:role=admin%0A',
    'dirac:%2E%2E:admin',
    // Decoded ":", "#" and " " were once accepted; they are no name characters (see group-path.ts).
    'vo%3Aname:sub%23x:role=data%20manager',
  ]) {
    assert.deepEqual(parse(EGI(body)), { groups: [], raw: [{ claim: 'eduperson_entitlement', values: [EGI(body)] }], rejected: [{ reason: 'invalid_name', count: 1 }] }, body);
  }
  assert.deepEqual(parse(EGI('bad%ZZ:role=member'), EGI('bad%C0:role=member')).rejected, [{ reason: 'malformed', count: 2 }], 'invalid escapes and UTF-8');
});

test('Check-In: only a namespace the configuration trusts names groups, whatever the authority', () => {
  const trusting = { ...checkin, entitlementNamespaces: ['urn:mace:egi.eu'], entitlementAuthorities: ['aai.egi.eu'] };
  const forged = 'urn:mace:evil.org:group:dirac:admin#aai.egi.eu';
  assert.deepEqual(entitlements(trusting, forged, EGI('dirac:role=member')), {
    groups: ['/dirac'],
    raw: [{ claim: 'eduperson_entitlement', values: [forged, EGI('dirac:role=member')] }],
    rejected: [{ reason: 'untrusted_namespace', count: 1 }],
  });
  for (const namespace of ['urn:mace:egi.eu:sub', 'urn:mace:EGI.EU', 'urn:mace:egi%2Eeu', 'urn:geant:egi.eu']) {
    assert.deepEqual(entitlements(trusting, `${namespace}:group:dirac#aai.egi.eu`).rejected, [{ reason: 'untrusted_namespace', count: 1 }], namespace);
  }
  assert.deepEqual(entitlements(trusting, 'URN:MACE:egi.eu:group:dirac#aai.egi.eu').groups, ['/dirac'], 'RFC 8141: "urn" and the NID ignore case');
  const { entitlementNamespaces: _, ...noNamespaces } = checkin;
  assert.deepEqual(entitlements(noNamespaces, EGI('dirac')).rejected, [{ reason: 'untrusted_namespace', count: 1 }], 'none configured: none trusted');
});

test('Check-In: only entitlements of the configured authorities count', () => {
  const claims = {
    eduperson_entitlement: ['urn:mace:egi.eu:group:dirac:role=member#aai.egi.eu', 'urn:geant:other.org:group:atlas:role=member#other.org'],
  };
  const mapping: GroupMapping = { ...checkin, entitlementNamespaces: ['urn:mace:egi.eu', 'urn:geant:other.org'] };
  assert.deepEqual(parseGroups(claims, mapping).groups, ['/atlas', '/dirac']);
  const allowed = parseGroups(claims, { ...mapping, entitlementAuthorities: ['aai.egi.eu'] });
  assert.deepEqual(allowed.groups, ['/dirac']);
  assert.deepEqual(allowed.rejected, [{ reason: 'untrusted_authority', count: 1 }]);
});

test('Check-In: malformed entitlements are skipped and counted; other kinds of entitlement are neither', () => {
  const others = ['not-a-urn', '/dirac/user', 'urn:mace:egi.eu:res:dirac:storage#aai.egi.eu' /* AARC-G027 capability */];
  const malformed = [
    'urn:mace:egi.eu:group:dirac:role=member', // no authority
    'urn:mace:egi.eu:group:dirac:role=member#', // empty authority
    'urn:mace:egi.eu:group:dirac#a#b',
    'urn:mace:group:dirac#aai.egi.eu', // namespace lacks a delegated namespace
    'urn::egi.eu:group:dirac#aai.egi.eu',
    EGI('role=member'),
    EGI('dirac prod'),
  ];
  const invalid = ['urn:mace:egi.eu:group:#aai.egi.eu', EGI(':role=member'), EGI('dirac::prod'), EGI('dirac:..:admin'), EGI('dirac:role=member:prod'), EGI('dirac:role=')];
  const parsed = entitlements(checkin, ...others, ...malformed, ...invalid, EGI('dirac:role=member'));
  assert.deepEqual(parsed.groups, ['/dirac']);
  assert.deepEqual(parsed.rejected, [
    { reason: 'malformed', count: malformed.length },
    { reason: 'invalid_name', count: invalid.length },
  ]);
  assert.equal(parsed.raw[0]?.values.length, others.length + malformed.length + invalid.length + 1, 'raw keeps every string as sent');
});

test('bounded: one value at most 512 characters, a path at most 16 levels', () => {
  const long = `/${'a'.repeat(600)}`;
  assert.deepEqual(wlcg(long, '/dirac'), { groups: ['/dirac'], raw: [{ claim: 'wlcg.groups', values: ['/dirac'] }], rejected: [{ reason: 'too_long', count: 1 }] }, 'left out of raw too');
  assert.deepEqual(wlcg(`/${'a'.repeat(511)}`).groups, [`/${'a'.repeat(511)}`], 'exactly 512 is fine');
  assert.deepEqual(parseGroups({ groups: 'a'.repeat(512) }, generic).rejected, [{ reason: 'too_long', count: 1 }], 'nor may the path it yields be longer');
  assert.deepEqual(entitlements(checkin, EGI(`dirac:${'b'.repeat(500)}`)).rejected, [{ reason: 'too_long', count: 1 }]);

  const levels = (n: number) => Array.from({ length: n }, (_, i) => `g${i}`);
  assert.deepEqual(wlcg(`/${levels(16).join('/')}`).groups.length, 1);
  assert.deepEqual(wlcg(`/${levels(17).join('/')}`).rejected, [{ reason: 'too_deep', count: 1 }]);
  assert.deepEqual(entitlements(checkin, EGI(`${levels(16).join(':')}:role=r`)).groups.length, 2);
  assert.deepEqual(entitlements(checkin, EGI(levels(17).join(':'))).rejected, [{ reason: 'too_deep', count: 1 }]);
});

test('bounded: at most 1024 values per claim are read; the excess is rejected unread, and raw holds only what was read', () => {
  const values = Array.from({ length: MAX_GROUP_VALUES + 76 }, (_, i) => `/g${i}`);
  const parsed = parseGroups({ 'wlcg.groups': values }, iam);
  assert.equal(parsed.groups.length, MAX_GROUP_VALUES);
  assert.ok(parsed.groups.includes('/g1023') && !parsed.groups.includes('/g1024'));
  assert.deepEqual(parsed.rejected, [{ reason: 'too_many_values', count: 76 }]);
  assert.deepEqual(parsed.raw, [{ claim: 'wlcg.groups', values: values.slice(0, MAX_GROUP_VALUES) }]);
  const both = parseGroups({ 'wlcg.groups': values, groups: values }, { type: 'iam', groupsClaim: 'groups' });
  assert.deepEqual(both.rejected, [{ reason: 'too_many_values', count: 152 }], 'per claim');
});

test('groups are unique and sorted; raw keeps the values unchanged, non-strings dropped and counted', () => {
  const parsed = entitlements(checkin);
  assert.deepEqual(parsed, { groups: [], raw: [{ claim: 'eduperson_entitlement', values: [] }], rejected: [] });
  const mixed = parseGroups({ eduperson_entitlement: [EGI('b:role=member'), 7, EGI('a:role=x'), null, EGI('a:role=member'), EGI('a:role=x'), { g: 1 }] }, checkin);
  assert.deepEqual(mixed.groups, ['/a', '/a/Role=x', '/b']);
  assert.deepEqual(mixed.raw, [{ claim: 'eduperson_entitlement', values: [EGI('b:role=member'), EGI('a:role=x'), EGI('a:role=member'), EGI('a:role=x')] }]);
  assert.deepEqual(mixed.rejected, [{ reason: 'malformed', count: 3 }]);
  const iamParsed = parseGroups({ 'wlcg.groups': ['/z', '/a', '/z', '', 3] }, iam);
  assert.deepEqual(iamParsed.groups, ['/a', '/z']);
  assert.deepEqual(iamParsed.rejected, [{ reason: 'malformed', count: 2 }]);
});

test('a missing or null claim gives nothing; one that is neither a string nor an array is counted', () => {
  for (const mapping of [generic, iam, checkin]) {
    assert.deepEqual(parseGroups({}, mapping), { groups: [], raw: [], rejected: [] });
    assert.deepEqual(parseGroups({ [mapping.groupsClaim]: null }, mapping), { groups: [], raw: [], rejected: [] });
    for (const value of [{ a: 1 }, 42, true]) {
      assert.deepEqual(parseGroups({ [mapping.groupsClaim]: value }, mapping), { groups: [], raw: [], rejected: [{ reason: 'malformed', count: 1 }] });
    }
  }
  assert.deepEqual(parseGroups({ groups: [] }, generic), { groups: [], raw: [{ claim: 'groups', values: [] }], rejected: [] });
  assert.deepEqual(parseGroups({ groups: '' }, generic).groups, []);
  assert.deepEqual(parseGroups({ eduperson_entitlement: EGI('dirac:role=member') }, checkin).groups, ['/dirac'], 'a single entitlement');
});

test('a group scope exists only for IAM-style IdPs', () => {
  assert.equal(groupScope('iam', '/dirac/user'), 'wlcg.groups:/dirac/user');
  assert.equal(groupScope('iam', 'dirac/user'), 'wlcg.groups:/dirac/user');
  assert.equal(groupScope('checkin', '/dirac'), undefined);
  assert.equal(groupScope('generic', '/dirac'), undefined);
});
