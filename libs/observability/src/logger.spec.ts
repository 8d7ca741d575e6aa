import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { Metadata } from '@grpc/grpc-js';
import { createLogger, type Logger } from './logger.js';

type Line = Record<string, unknown>;

/** Logs through a real `createLogger` and hands back the raw text and the parsed line. */
async function logged(write: (logger: Logger) => void): Promise<{ text: string; line: Line }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  write(createLogger({ name: 'test', level: 'debug', destination: out }));
  await tick();
  return { text, line: JSON.parse(text) as Line };
}

const at = (line: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], line);

test('credentials passed to a log call are redacted, other fields kept', async () => {
  const { text, line } = await logged((logger) =>
    logger.info(
      {
        user: 'alice',
        tokens: { accessToken: 'at-SECRET', refreshToken: 'rt-SECRET', idToken: 'id-SECRET' },
        req: { headers: { authorization: 'Bearer hdr-SECRET', cookie: 'c-SECRET', accept: 'json' } },
        accessToken: 'top-SECRET',
      },
      'token stored',
    ),
  );
  assert.doesNotMatch(text, /SECRET/);
  assert.equal(line.user, 'alice');
  assert.equal(line.level, 'info');
  assert.equal(at(line, 'req', 'headers', 'accept'), 'json');
  assert.equal(at(line, 'tokens', 'accessToken'), '[redacted]');
});

describe('credentials are redacted at any depth', () => {
  for (const depth of [3, 4, 6]) {
    test(`depth ${depth}`, async () => {
      const path = Array.from({ length: depth - 1 }, (_, i) => `level${i + 1}`);
      const fields = path.reduceRight<Line>((inner, key) => ({ [key]: inner, kept: key }), {
        refreshToken: `rt-SECRET-${depth}`,
        tokenType: 'Bearer',
      });
      const { text, line } = await logged((logger) => logger.info(fields, 'nested'));
      assert.doesNotMatch(text, /SECRET/);
      assert.equal(at(line, ...path, 'refreshToken'), '[redacted]');
      assert.equal(at(line, ...path, 'tokenType'), 'Bearer');
      assert.equal(at(line, ...path.slice(0, -1), 'kept'), path.at(-1));
    });
  }
});

describe('credential key names are matched in any spelling', () => {
  const keys = [
    'access_token',
    'refresh_token',
    'id_token',
    'subject_token',
    'actor_token',
    'client_secret',
    'client_assertion',
    'code_verifier',
    'device_code',
    'password',
    'cookie',
    'set-cookie',
    'authorization',
    'proxy-authorization',
    'x-api-key',
  ];
  for (const key of keys) {
    const camel = key.replace(/[-_](.)/g, (_, c: string) => c.toUpperCase());
    const spellings = [...new Set([key, camel, key.toUpperCase(), key.replace(/_/g, '-')])];
    test(`${spellings.join(', ')}`, async () => {
      const body = Object.fromEntries(spellings.map((k, i) => [k, `leaked-${i}`]));
      const { text, line } = await logged((logger) =>
        logger.info({ request: { body: { ...body, grant_type: 'refresh_token', scope: 'openid' } } }, 'request'),
      );
      assert.doesNotMatch(text, /leaked/);
      for (const k of spellings) assert.equal(at(line, 'request', 'body', k), '[redacted]');
      assert.equal(at(line, 'request', 'body', 'grant_type'), 'refresh_token');
      assert.equal(at(line, 'request', 'body', 'scope'), 'openid');
    });
  }
});

test('top-level clientSecret, authorization and subjectToken are redacted', async () => {
  const { text, line } = await logged((logger) =>
    logger.warn({ clientSecret: 'cs-SECRET', authorization: 'Bearer SECRET', subjectToken: 'st-SECRET', clientId: 'cli' }, 'exchange'),
  );
  assert.doesNotMatch(text, /SECRET/);
  assert.equal(line.clientSecret, '[redacted]');
  assert.equal(line.clientId, 'cli');
  assert.equal(line.msg, 'exchange');
});

test('credentials inside arrays are redacted', async () => {
  const { text, line } = await logged((logger) =>
    logger.info({ tokens: [{ refresh_token: 'rt-SECRET', family: 'f1' }, [{ accessToken: 'at-SECRET' }], 'plain'] }, 'batch'),
  );
  assert.doesNotMatch(text, /SECRET/);
  assert.deepEqual(line.tokens, [{ refresh_token: '[redacted]', family: 'f1' }, [{ accessToken: '[redacted]' }], 'plain']);
});

test('grpc-js Metadata is logged by key with credential entries redacted', async () => {
  const metadata = new Metadata();
  metadata.set('authorization', 'Bearer SECRET');
  metadata.set('x-request-id', 'req-1');
  const { text, line } = await logged((logger) => logger.info({ metadata, call: { metadata } }, 'call'));
  assert.doesNotMatch(text, /SECRET/);
  assert.equal(at(line, 'metadata', 'authorization'), '[redacted]');
  assert.deepEqual(at(line, 'call', 'metadata', 'x-request-id'), ['req-1']);
  assert.deepEqual(metadata.get('authorization'), ['Bearer SECRET'], 'the caller’s Metadata is untouched');
});

test('WHATWG Headers are logged by key with credential entries redacted', async () => {
  const headers = new Headers({ authorization: 'Bearer SECRET', cookie: 'sid=SECRET', accept: 'application/json' });
  const { text, line } = await logged((logger) => logger.info({ response: { headers } }, 'fetched'));
  assert.doesNotMatch(text, /SECRET/);
  assert.equal(at(line, 'response', 'headers', 'authorization'), '[redacted]');
  assert.equal(at(line, 'response', 'headers', 'accept'), 'application/json');
});

describe('errors keep message and stack, their credential fields are redacted', () => {
  const failure = () =>
    Object.assign(new Error('refresh failed'), {
      refreshToken: 'rt-SECRET',
      status: 400,
      response: { body: { refresh_token: 'rt2-SECRET', error: 'invalid_grant' } },
    });
  for (const [name, write] of [
    ['logged as the object', (logger: Logger) => logger.error(failure())],
    ['logged as { err }', (logger: Logger) => logger.error({ err: failure() }, 'refresh failed')],
  ] as const) {
    test(name, async () => {
      const { text, line } = await logged(write);
      assert.doesNotMatch(text, /SECRET/);
      assert.equal(at(line, 'err', 'type'), 'Error');
      assert.equal(at(line, 'err', 'message'), 'refresh failed');
      assert.match(String(at(line, 'err', 'stack')), /^Error: refresh failed\n\s+at /);
      assert.equal(at(line, 'err', 'refreshToken'), '[redacted]');
      assert.equal(at(line, 'err', 'status'), 400);
      assert.equal(at(line, 'err', 'response', 'body', 'error'), 'invalid_grant');
    });
  }

  test('a nested error', async () => {
    const { text, line } = await logged((logger) => logger.warn({ attempt: { error: failure() } }, 'retrying'));
    assert.doesNotMatch(text, /SECRET/);
    assert.equal(at(line, 'attempt', 'error', 'status'), 400);
    assert.equal(at(line, 'attempt', 'error', 'refreshToken'), '[redacted]');
  });
});

test('a cyclic object is logged without crashing and without its credentials', async () => {
  const session: Line = { id: 's1', accessToken: 'at-SECRET' };
  session.self = session;
  session.children = [{ parent: session, idToken: 'id-SECRET' }];
  const { text, line } = await logged((logger) => logger.info({ session }, 'session'));
  assert.doesNotMatch(text, /SECRET/);
  assert.equal(at(line, 'session', 'id'), 's1');
  assert.equal(at(line, 'msg'), 'session');
});

test('a very deep object is cut off instead of walked', async () => {
  let deep: Line = { accessToken: 'at-SECRET' };
  for (let i = 0; i < 40; i++) deep = { next: deep };
  const { text, line } = await logged((logger) => logger.info({ deep, user: 'alice' }, 'deep'));
  assert.doesNotMatch(text, /SECRET/);
  assert.match(text, /\[too deep\]/);
  assert.equal(line.user, 'alice');
});

test('child bindings are redacted too, in children of children', async () => {
  const { text, line } = await logged((logger) =>
    logger
      .child({ authorization: 'Bearer SECRET', route: '/token' })
      .child({ request: { headers: { cookie: 'sid=SECRET' } }, attempt: 2 })
      .info('bound'),
  );
  assert.doesNotMatch(text, /SECRET/);
  assert.equal(line.route, '/token');
  assert.equal(line.attempt, 2);
});

test('the caller’s object is not changed', async () => {
  const fields = { user: 'alice', nested: { deeper: { accessToken: 'at-SECRET' } }, tokens: [{ refresh_token: 'rt-SECRET' }] };
  const before = structuredClone(fields);
  const { text } = await logged((logger) => logger.info(fields, 'kept'));
  assert.doesNotMatch(text, /SECRET/);
  assert.deepEqual(fields, before);
});

test('a forwarded user token is redacted in headers and in grpc-js metadata, as is any *token or *secret key', async () => {
  const metadata = new Metadata();
  metadata.set('tessera-user-token', 'Bearer md-SECRET');
  const { text, line } = await logged((logger) =>
    logger.info({ headers: { 'tessera-user-token': 'Bearer hdr-SECRET', 'x-request-id': 'r1' }, metadata, stateSecret: 's-SECRET', nextPageToken: 'p-SECRET' }, 'forwarded'),
  );
  assert.doesNotMatch(text, /SECRET/);
  assert.equal(at(line, 'headers', 'x-request-id'), 'r1');
});

test("an error's causes are logged by type, code and frames, never by their words", async () => {
  const upstream = Object.assign(new TypeError('upstream said: refresh_token rt-SECRET is invalid'), { code: 'OAUTH_RESPONSE_BODY_ERROR' });
  const outer = new Error('the refresh failed', { cause: upstream });
  const { text, line } = await logged((logger) => logger.error({ err: outer }, 'rpc failed'));
  assert.doesNotMatch(text, /SECRET/);
  assert.equal(at(line, 'err', 'message'), 'the refresh failed');
  const [cause] = at(line, 'err', 'causes') as { type: string; code: string; stack: string }[];
  assert.equal(cause?.type, 'TypeError');
  assert.equal(cause?.code, 'OAUTH_RESPONSE_BODY_ERROR');
  assert.match(cause?.stack ?? '', /logger\.spec\.ts/);
});
