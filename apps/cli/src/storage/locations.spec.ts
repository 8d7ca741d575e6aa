import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locations } from './locations.js';

test('WLCG Bearer Token Discovery order; the session is state, not config', () => {
  const plain = locations({}, 1000, '/home/bob');
  assert.deepEqual(plain.bearerTokenCandidates, ['/tmp/bt_u1000']);
  assert.equal(plain.configFile, '/home/bob/.config/tessera/config.json');
  assert.equal(plain.sessionFile, '/home/bob/.local/state/tessera/session.json');
  const xdg = locations({ XDG_RUNTIME_DIR: '/run/user/1000', XDG_CONFIG_HOME: '/c', XDG_STATE_HOME: '/s' }, 1000, '/home/bob');
  assert.deepEqual(xdg.bearerTokenCandidates, ['/run/user/1000/bt_u1000', '/tmp/bt_u1000']);
  assert.equal(xdg.bearerTokenFile, '/run/user/1000/bt_u1000');
  assert.equal(xdg.configFile, '/c/tessera/config.json');
  assert.equal(xdg.sessionFile, '/s/tessera/session.json');
  // BEARER_TOKEN_FILE, when set, is the only place.
  assert.deepEqual(locations({ BEARER_TOKEN_FILE: '/x/token', XDG_RUNTIME_DIR: '/run/user/1000' }, 1000, '/h').bearerTokenCandidates, ['/x/token']);
  // A relative one is kept absolute, so that a later command in another directory finds it.
  assert.equal(locations({ BEARER_TOKEN_FILE: 'bt' }, 1000, '/h').bearerTokenFile, `${process.cwd()}/bt`);
});
