import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

/** Echoes what it received as JSON, answering with the status named in `?status=`. */
async function startEchoServer(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits += 1;
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
      res.writeHead(status, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ method: req.method, path: req.url, host: req.headers.host, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

describe('startFaultProxy', () => {
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: FaultProxy;
  before(async () => {
    echo = await startEchoServer();
    proxy = await startFaultProxy(echo.url);
  });
  after(async () => {
    await proxy.close();
    await echo.close();
  });
  beforeEach(() => proxy.setFault({ kind: 'none' }));

  it('forwards method, path, body and status, keeping the Host header', async () => {
    const res = await fetch(`${proxy.url}/a/b?status=201`, { method: 'PUT', body: 'hello' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-echo'), 'yes');
    assert.deepEqual(await res.json(), { method: 'PUT', path: '/a/b?status=201', host: `127.0.0.1:${proxy.port}`, body: 'hello' });
    assert.deepEqual(proxy.requests.at(-1)?.path, '/a/b?status=201');
    assert.deepEqual(proxy.requests.at(-1)?.method, 'PUT');
  });

  it('delays by the latency fault', async () => {
    proxy.setFault({ kind: 'latency', ms: 300 });
    const started = Date.now();
    assert.equal((await fetch(`${proxy.url}/slow`)).status, 200);
    assert.ok(Date.now() - started >= 290, `took ${Date.now() - started} ms`);
  });

  it('answers a status fault without forwarding', async () => {
    const hits = echo.hits();
    proxy.setFault({ kind: 'status', status: 503, body: 'down for maintenance' });
    const res = await fetch(`${proxy.url}/token`, { method: 'POST', body: 'x=1' });
    assert.equal(res.status, 503);
    assert.equal(await res.text(), 'down for maintenance');
    assert.equal(echo.hits(), hits);
  });

  it('answers a status fault with the content type asked for', async () => {
    proxy.setFault({ kind: 'status', status: 400, contentType: 'application/json', body: '{"error":"invalid_grant"}' });
    const res = await fetch(`${proxy.url}/token`, { method: 'POST', body: 'x=1' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { error: 'invalid_grant' });
  });

  it('forwards and rewrites the answer for a rewrite fault, keeping status and headers', async () => {
    const hits = echo.hits();
    proxy.setFault({ kind: 'rewrite', body: (text) => text.replace('"PUT"', '"REWRITTEN"') }, { times: 1 });
    const res = await fetch(`${proxy.url}/r?status=202`, { method: 'PUT', body: 'hello' });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('x-echo'), 'yes');
    const body = await res.text();
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(body)));
    assert.equal((JSON.parse(body) as { method: string }).method, 'REWRITTEN');
    assert.equal(echo.hits(), hits + 1);
    assert.equal(((await (await fetch(`${proxy.url}/r`, { method: 'PUT' })).json()) as { method: string }).method, 'PUT', 'once only');
  });

  it('drops the connection for a drop fault', async () => {
    proxy.setFault({ kind: 'drop' });
    await assert.rejects(fetch(`${proxy.url}/gone`), TypeError);
  });

  it('reverts after `times` matching requests', async () => {
    proxy.setFault({ kind: 'status', status: 500 }, { times: 1 });
    assert.equal((await fetch(`${proxy.url}/x`)).status, 500);
    assert.equal((await fetch(`${proxy.url}/x`)).status, 200);
  });

  it('faults only paths under pathPrefix, not counting the others', async () => {
    proxy.setFault({ kind: 'status', status: 500 }, { pathPrefix: '/token', times: 1 });
    assert.equal((await fetch(`${proxy.url}/jwks`)).status, 200);
    assert.equal((await fetch(`${proxy.url}/token`)).status, 500);
    assert.equal((await fetch(`${proxy.url}/token`)).status, 200);
  });

  it('answers 502 when the target is unreachable, and follows setTarget', async () => {
    const other = await startEchoServer();
    const otherUrl = other.url;
    await other.close();
    proxy.setTarget(otherUrl);
    try {
      assert.equal((await fetch(`${proxy.url}/x`)).status, 502);
    } finally {
      proxy.setTarget(echo.url);
    }
    assert.equal((await fetch(`${proxy.url}/x`)).status, 200);
  });

  it('closes with requests still held by a latency fault', async () => {
    const held = await startFaultProxy(echo.url);
    held.setFault({ kind: 'latency', ms: 60_000 });
    const pending = fetch(`${held.url}/held`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await held.close();
    await assert.rejects(pending, TypeError);
  });
});
