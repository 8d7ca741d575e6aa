import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@tessera/testing';
import { nodeHttpFetch } from './node-http-fetch.js';

let server: Server;
let base: string;
const received: { method?: string; url?: string; contentType?: string; body: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body });
      if (req.url === '/redirect') return void res.writeHead(302, { location: '/elsewhere' }).end();
      if (req.url === '/slow') return; // never answers
      if (req.url === '/trickle') return void res.writeHead(200, { 'content-type': 'application/json' }).write('{"a":'); // never ends
      if (req.url === '/huge') return void res.writeHead(200).end(Buffer.alloc(2 * 1024 * 1024, 0x20));
      if (req.url === '/odd') return void (req.socket.end('HTTP/1.1 600 Odd\r\ncontent-length: 0\r\n\r\n'));
      if (req.url === '/empty') return void res.writeHead(204).end();
      res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ error: 'invalid_grant' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const options = (extra: Partial<Parameters<typeof nodeHttpFetch>[1]> = {}) => ({ method: 'GET', headers: {}, body: undefined, redirect: 'manual' as const, ...extra });

test('a form POST arrives as sent, and the answer is a standard Response', async () => {
  const response = await nodeHttpFetch(`${base}/token`, options({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r 1' }) }));
  assert.ok(response instanceof Response);
  assert.equal(response.status, 400);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await response.json(), { error: 'invalid_grant' });
  assert.deepEqual(received.at(-1), { method: 'POST', url: '/token', contentType: 'application/x-www-form-urlencoded', body: 'grant_type=refresh_token&refresh_token=r+1' });
});

test('a redirect is returned, not followed; 204 has no body', async () => {
  const redirect = await nodeHttpFetch(`${base}/redirect`, options());
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get('location'), '/elsewhere');
  assert.equal(received.at(-1)?.url, '/redirect');
  assert.equal((await nodeHttpFetch(`${base}/empty`, options())).body, null);
});

test('an aborted request rejects with the signal’s reason, a failed one with TypeError("fetch failed")', async () => {
  await assert.rejects(nodeHttpFetch(`${base}/slow`, options({ signal: AbortSignal.timeout(100) })), (error: unknown) => error instanceof DOMException && error.name === 'TimeoutError');
  await assert.rejects(nodeHttpFetch(`${base}/trickle`, options({ signal: AbortSignal.timeout(200) })), (error: unknown) => error instanceof DOMException && error.name === 'TimeoutError', 'aborted with the answer under way');
  server.closeAllConnections();
  const closed = `http://127.0.0.1:${await freePort()}/`;
  await assert.rejects(nodeHttpFetch(closed, options()), (error: unknown) => error instanceof TypeError && error.message === 'fetch failed' && (error.cause as { code?: string }).code === 'ECONNREFUSED');
});

test('answers no Response can hold, a status outside 200–599 or one over 1 MiB, fail as fetch fails', async () => {
  for (const path of ['/odd', '/huge']) {
    await assert.rejects(nodeHttpFetch(`${base}${path}`, options()), (error: unknown) => error instanceof TypeError && error.message === 'fetch failed', path);
  }
});
