import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGroupEntitlement } from './group-entitlement.js';

test('AARC-G002: namespace, groups, role and authority', () => {
  assert.deepEqual(parseGroupEntitlement('urn:mace:egi.eu:group:dirac:prod:role=vm_operator#aai.egi.eu'), {
    namespace: 'urn:mace:egi.eu',
    groups: ['dirac', 'prod'],
    role: 'vm_operator',
    authority: 'aai.egi.eu',
  });
  assert.deepEqual(parseGroupEntitlement('urn:geant:example.org:sub:group:vo%3Ax#idp.example.org'), {
    namespace: 'urn:geant:example.org:sub',
    groups: ['vo:x'],
    role: undefined,
    authority: 'idp.example.org',
  });
});

test('the first "group" after the namespace delimits it; later ones are subgroup names', () => {
  assert.deepEqual(parseGroupEntitlement('urn:mace:egi.eu:group:dirac:group:role=member#aai.egi.eu')?.groups, ['dirac', 'group']);
});

test('not a group entitlement: undefined', () => {
  for (const value of ['', '#', 'urn:mace:egi.eu:group#x', 'urn:mace:egi.eu:res:x#y', 'mailto:a@b#c']) {
    assert.equal(parseGroupEntitlement(value), undefined, value);
  }
});
