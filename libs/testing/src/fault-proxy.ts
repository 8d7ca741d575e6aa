import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen } from '@tessera/observability';

export type Fault =
  | { kind: 'none' }
  /** Waits this long before forwarding. */
  | { kind: 'latency'; ms: number }
  /** Answers this status without forwarding, e.g. 500 or 503 (text/plain unless told). */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** Forwards, and answers what the target answered with the body rewritten, e.g. a token
   * endpoint's JSON with a forged ID token or an odd number in it. */
  | { kind: 'rewrite'; body: (text: string) => string }
  /** Destroys the client's socket without answering. */
  | { kind: 'drop' }
  /** Forwards, lets the target do its work, then throws its answer away and answers this status
   * instead: a gateway timing out on a request that did reach the server (e.g. 502, 504). */
  | { kind: 'lose-answer'; status: number };

export interface FaultOptions {
  /** Only requests whose path (with query) starts with this; others pass untouched. */
  pathPrefix?: string;
  /** Applies to the next N matching requests, then the proxy forwards again. */
  times?: number;
}

export interface FaultProxy {
  /** e.g. `http://127.0.0.1:<port>`, known before the target exists so it can be an issuer. */
  readonly url: string;
  readonly port: number;
  setFault(fault: Fault, options?: FaultOptions): void;
  /** Changes where requests go from now on, e.g. once the server behind learns the proxy's URL. */
  setTarget(target: string): void;
  /** Requests seen, faulted or not. No headers or bodies: they carry tokens and secrets. */
  readonly requests: { method: string; path: string; at: number }[];
  close(): Promise<void>;
}

interface ActiveFault {
  fault: Fault;
  pathPrefix: string;
  remaining: number;
}

const NONE: ActiveFault = { fault: { kind: 'none' }, pathPrefix: '', remaining: Infinity };

/**
 * An HTTP reverse proxy that fails on request, so tests can make an IdP slow, erroring or gone.
 * The Host header is forwarded as the client sent it: the server behind builds its URLs from it,
 * and they must point at the proxy. An unreachable target answers 502.
 */
export async function startFaultProxy(target: string, options: { port?: number } = {}): Promise<FaultProxy> {
  let targetUrl = new URL(target);
  let active = NONE;
  const requests: FaultProxy['requests'] = [];
  const sockets = new Set<Socket>();
  // Its own agent, so close() can also drop the kept-alive connections to the target, which
  // would otherwise hold the target's server.close() open.
  const agent = new Agent({ keepAlive: true });
  const closing = new AbortController();

  /** The fault for this request, counting it against `times`. */
  const faultFor = (path: string): Fault => {
    if (active.fault.kind === 'none' || !path.startsWith(active.pathPrefix)) return { kind: 'none' };
    const { fault } = active;
    active.remaining -= 1;
    if (active.remaining <= 0) active = NONE;
    return fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, at: Date.now() });
    const fault = faultFor(path);
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'status') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'text/plain' }).end(fault.body ?? '');
      return;
    }
    if (fault.kind === 'latency') {
      // Aborted by close(), so a long delay cannot keep the test process alive.
      const waited = await sleep(fault.ms, true, { signal: closing.signal }).catch(() => false);
      // The client may have given up meanwhile: then there is nobody to forward for.
      if (!waited || res.destroyed) return;
    }
    if (fault.kind === 'lose-answer') {
      forward(req, res, targetUrl, agent, undefined, fault.status);
      return;
    }
    forward(req, res, targetUrl, agent, fault.kind === 'rewrite' ? fault.body : undefined);
  };

  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await listen(server, '127.0.0.1', options.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setFault(fault, faultOptions = {}) {
      active = { fault, pathPrefix: faultOptions.pathPrefix ?? '', remaining: faultOptions.times ?? Infinity };
    },
    setTarget(next) {
      targetUrl = new URL(next);
    },
    async close() {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive and held (latency) connections would otherwise keep close() waiting.
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}

/** Streams the request to the target and its answer back (its body passed through `rewrite` when
 * given, or the whole answer read and replaced by `lostStatus`); 502 when the target cannot be reached. */
function forward(req: IncomingMessage, res: ServerResponse, target: URL, agent: Agent, rewrite?: (text: string) => string, lostStatus?: number): void {
  const headers = endToEnd(req.headers);
  // A body to rewrite must arrive as text, not compressed.
  if (rewrite) delete headers['accept-encoding'];
  const upstream = request(
    { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
    (answer) => {
      // A target dying mid-answer must not leave the client waiting for the rest.
      answer.once('error', () => res.destroy());
      if (lostStatus !== undefined) {
        answer.resume();
        answer.once('end', () => res.writeHead(lostStatus, { 'content-type': 'text/plain' }).end('fault-proxy: the answer was lost'));
        return;
      }
      if (!rewrite) {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
        return;
      }
      let text = '';
      answer.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      answer.once('end', () => {
        const body = Buffer.from(rewrite(text));
        res.writeHead(answer.statusCode ?? 502, { ...endToEnd(answer.headers), 'content-length': String(body.length) }).end(body);
      });
    },
  );
  upstream.once('error', () => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502, { 'content-type': 'text/plain' }).end('fault-proxy: target unreachable');
  });
  // The client giving up (or the proxy closing) abandons the upstream request too.
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

// RFC 9110 §7.6.1: these describe one connection, not the message; each hop sets its own.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}
