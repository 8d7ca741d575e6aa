import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printable } from './printable.js';

test('escape sequences, line breaks and bidirectional overrides are gone; long text is cut on a character', () => {
  assert.equal(printable('bad\x1b[31m red\nnext\u202eevil\u2028line'), 'bad [31m red next evil line');
  assert.equal(printable(`${'😀'.repeat(5)}`, 3), '😀😀😀…');
  assert.equal(printable('  plain  '), 'plain');
});
