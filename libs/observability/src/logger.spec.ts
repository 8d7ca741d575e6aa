import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from './logger.js';

test('credentials passed to a log call are redacted, other fields kept', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const logger = createLogger({ name: 'test', destination: out });
  logger.info(
    {
      user: 'alice',
      tokens: { accessToken: 'at-SECRET', refreshToken: 'rt-SECRET', idToken: 'id-SECRET' },
      req: { headers: { authorization: 'Bearer hdr-SECRET', cookie: 'c-SECRET', accept: 'json' } },
      accessToken: 'top-SECRET',
    },
    'token stored',
  );
  await new Promise((r) => setImmediate(r));
  assert.doesNotMatch(text, /SECRET/);
  const line = JSON.parse(text) as { user: string; level: string; req: { headers: { accept: string } } };
  assert.equal(line.user, 'alice');
  assert.equal(line.level, 'info');
  assert.equal(line.req.headers.accept, 'json');
});
