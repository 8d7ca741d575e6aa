import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceKey, parseGroupEntitlement } from './group-entitlement.js';

const entitlement = (value: string) => {
  const parsed = parseGroupEntitlement(value);
  return parsed.kind === 'group' ? parsed.entitlement : parsed;
};

test('AARC-G002: namespace, groups, role and authority', () => {
  assert.deepEqual(entitlement('urn:mace:egi.eu:group:dirac:prod:role=vm_operator#aai.egi.eu'), {
    namespace: 'urn:mace:egi.eu',
    groups: ['dirac', 'prod'],
    role: 'vm_operator',
    authority: 'aai.egi.eu',
  });
  assert.deepEqual(entitlement('urn:geant:example.org:sub:group:vo%2Dx#idp.example.org'), {
    namespace: 'urn:geant:example.org:sub',
    groups: ['vo-x'],
    role: undefined,
    authority: 'idp.example.org',
  });
});

test('the first "group" after the namespace delimits it; later ones are subgroup names', () => {
  assert.deepEqual(entitlement('urn:mace:egi.eu:group:dirac:group:role=member#aai.egi.eu'), {
    namespace: 'urn:mace:egi.eu',
    groups: ['dirac', 'group'],
    role: 'member',
    authority: 'aai.egi.eu',
  });
});

test('not a group entitlement: another kind, which shares the claim', () => {
  for (const value of ['', '#', 'mailto:a@b#c', 'urn:mace:egi.eu:res:x#y', 'https://example.org/entitlement', 'urn:mace:dir:entitlement:common-lib-terms']) {
    assert.deepEqual(parseGroupEntitlement(value), { kind: 'other' }, value);
  }
});

test('written as a group entitlement but broken: malformed', () => {
  for (const value of [
    'urn:mace:egi.eu:group#x', // no group
    'urn:mace:egi.eu:group:dirac', // no authority
    'urn:mace:egi.eu:group:dirac#',
    'urn:mace:egi.eu:group:dirac#a#b',
    'urn:mace:group:dirac#aai.egi.eu', // no delegated namespace
    'urn:mace:egi.eu:group:dirac\n#aai.egi.eu', // RFC 8141: a URN is printable ASCII
    'urn:mace:egi.eu:group:dirac\u0000#aai.egi.eu',
    'urn:mace:egi.eu:group:dir\u202eac#aai.egi.eu',
    'urn:mace:egi.eu:group:dirac#aai.egi.eu\n',
    'urn:mace:egi.eu:group:bad%ZZ#aai.egi.eu',
    'urn:mace:egi.eu:group:bad%C0#aai.egi.eu', // invalid UTF-8
  ]) {
    assert.deepEqual(parseGroupEntitlement(value), { kind: 'rejected', reason: 'malformed' }, JSON.stringify(value));
  }
});

test('decoded names and roles must be group names: an escape smuggles nothing in', () => {
  for (const body of ['dirac%0Aadmin', 'dirac%00', 'dirac%E2%80%AE', 'dirac%2Fadmin', 'dirac:%2E%2E', 'dirac:%72ole=admin', 'dirac:role=a%2Fb', 'dirac:role=a%0A', 'dirac%3Ax', 'dirac%20prod', 'dirac::prod', 'dirac:role=']) {
    assert.deepEqual(parseGroupEntitlement(`urn:mace:egi.eu:group:${body}#aai.egi.eu`), { kind: 'rejected', reason: 'invalid_name' }, body);
  }
});

test('namespaces compare as RFC 8141 §3.1 says: "urn" and the NID ignore case, the rest does not', () => {
  assert.equal(namespaceKey('URN:MACE:egi.eu'), namespaceKey('urn:mace:egi.eu'));
  assert.notEqual(namespaceKey('urn:mace:EGI.eu'), namespaceKey('urn:mace:egi.eu'));
  assert.notEqual(namespaceKey('urn:mace:egi.eu:sub'), namespaceKey('urn:mace:egi.eu'));
  assert.notEqual(namespaceKey('urn:mace:egi%2Eeu'), namespaceKey('urn:mace:egi.eu'));
});
