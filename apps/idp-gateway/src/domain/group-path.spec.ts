import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupPath, isGroupName, MAX_GROUP_DEPTH, MAX_GROUP_VALUE_LENGTH, parseGroupPath } from './group-path.js';

test('group paths that IAM, VOMS and Check-In use are accepted as they are', () => {
  for (const path of ['/dirac', '/dirac/user', '/vo.access.egi.eu', '/cms/uscms/Role=production', '/my-vo/sub_group/x.y', '/a~b+c@d', '/dirac/Role=vm_operator']) {
    assert.deepEqual(parseGroupPath(path), { path }, path);
  }
});

test('a path is "/" and names: no empty segment, ".", ".." or missing leading "/"', () => {
  const cases: Record<string, string> = {
    '': 'malformed',
    dirac: 'malformed',
    '/': 'invalid_name',
    '/dirac/': 'invalid_name',
    '/dirac//admin': 'invalid_name',
    '//dirac': 'invalid_name',
    '/dirac/../admin': 'invalid_name',
    '/..': 'invalid_name',
    '/dirac/.': 'invalid_name',
  };
  for (const [value, reason] of Object.entries(cases)) assert.deepEqual(parseGroupPath(value), { reason }, JSON.stringify(value));
});

test('only the allow-listed printable ASCII makes a name: controls, format characters, separators, spaces and non-ASCII do not', () => {
  const bad = {
    NUL: '\u0000',
    LF: '\n',
    CR: '\r',
    TAB: '\t',
    ESC: '\u001b',
    DEL: '\u007f',
    'C1 NEL': '\u0085',
    'C1 CSI': '\u009b',
    'bidi RLO': '\u202e',
    'bidi LRE': '\u202a',
    'bidi RLI': '\u2067',
    'bidi PDI': '\u2069',
    'zero-width space': '\u200b',
    'zero-width joiner': '\u200d',
    BOM: '\ufeff',
    'soft hyphen (Cf)': '\u00ad',
    'line separator': '\u2028',
    'paragraph separator': '\u2029',
    space: ' ',
    NBSP: '\u00a0',
    'ideographic space': '\u3000',
    'Cyrillic a (look-alike)': '\u0430',
    'lone surrogate': '\ud800',
    '"="': '=',
    '":"': ':',
    '"#"': '#',
    '"%"': '%',
    '"\\"': '\\',
    '","': ',',
  };
  for (const [what, char] of Object.entries(bad)) {
    assert.equal(isGroupName(`dir${char}ac`), false, what);
    assert.deepEqual(parseGroupPath(`/dirac/us${char}er`), { reason: 'invalid_name' }, what);
  }
});

test('"Role=" only as the last component of a group, spelt as VOMS spells it', () => {
  assert.deepEqual(parseGroupPath('/dirac/Role=admin'), { path: '/dirac/Role=admin' });
  for (const value of ['/Role=admin', '/dirac/Role=admin/sub', '/dirac/role=admin', '/dirac/ROLE=admin', '/dirac/Role=', '/dirac/Role=a=b', '/dirac/Role=..', '/dirac/Role=a b']) {
    assert.deepEqual(parseGroupPath(value), { reason: 'invalid_name' }, value);
  }
  assert.deepEqual(groupPath(['dirac', 'prod'], 'vm_operator'), { path: '/dirac/prod/Role=vm_operator' });
  assert.deepEqual(groupPath(['dirac'], 'a/b'), { reason: 'invalid_name' });
  assert.deepEqual(groupPath(['dirac/admin']), { reason: 'invalid_name' }, 'a name cannot add a level');
  assert.deepEqual(groupPath([]), { reason: 'malformed' });
});

test('bounded: at most 16 levels (a role is no level) and 512 characters', () => {
  const levels = (n: number) => Array.from({ length: n }, (_, i) => `g${i}`);
  assert.equal(MAX_GROUP_DEPTH, 16);
  assert.ok(parseGroupPath(`/${levels(16).join('/')}`).path);
  assert.ok(parseGroupPath(`/${levels(16).join('/')}/Role=r`).path);
  assert.deepEqual(parseGroupPath(`/${levels(17).join('/')}`), { reason: 'too_deep' });
  assert.deepEqual(groupPath(levels(17)), { reason: 'too_deep' });

  const longest = `/${'a'.repeat(MAX_GROUP_VALUE_LENGTH - 1)}`;
  assert.deepEqual(parseGroupPath(longest), { path: longest });
  assert.deepEqual(parseGroupPath(`${longest}b`), { reason: 'too_long' });
  assert.deepEqual(groupPath(['a'.repeat(MAX_GROUP_VALUE_LENGTH)]), { reason: 'too_long' });
  assert.deepEqual(groupPath(['a'.repeat(500)], 'r'.repeat(20)), { reason: 'too_long' }, 'the role path counts');
});
