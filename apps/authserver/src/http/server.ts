import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@tessera/contracts';
import { listen, type Logger } from '@tessera/observability';
import { createConnectHandler, MAX_MESSAGE_BYTES } from '@tessera/rpc';
import type { Upstreams } from '../upstream/upstreams.js';
import { healthz, readyz } from './health.js';

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServer {
  readonly port: number;
  /** Answers /readyz with 503 for `drainMs` so load balancers stop sending, then closes. */
  close(options?: { drainMs?: number }): Promise<void>;
}

export interface HttpServerParts {
  upstreams: Upstreams;
  /** The Connect API, already bound to the RPC edge. */
  api: ServiceImpl<typeof AuthService>;
  /** The OAuth endpoints and login pages, keyed `"<METHOD> <path>"`. */
  routes: Readonly<Record<string, Route>>;
  logger: Logger;
}

/** authserver's public HTTP surface: health, readiness, the OAuth endpoints and pages, and the
 * Connect API for the CLI. */
export async function startHttpServer(host: string, port: number, parts: HttpServerParts): Promise<HttpServer> {
  const { upstreams, api, logger } = parts;
  let stopping = false;
  const routes = new Map<string, Route>([
    ['GET /healthz', healthz],
    ['GET /readyz', readyz(upstreams, () => stopping, logger)],
    ...Object.entries(parts.routes),
  ]);
  const paths = new Map<string, string[]>();
  for (const key of routes.keys()) {
    const [method, path] = key.split(' ') as [string, string];
    paths.set(path, [...(paths.get(path) ?? []), method]);
  }
  const connect = createConnectHandler({
    readMaxBytes: MAX_MESSAGE_BYTES,
    routes: (router) => router.service(AuthService, api),
    fallback: (_req, res) => {
      (res as ServerResponse).writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    },
  });
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes.get(`${req.method} ${path}`);
    if (route) return void route(req, res);
    const allowed = paths.get(path);
    // RFC 9110 §15.5.6: a known path with another method says which methods it takes.
    if (allowed) return void res.writeHead(405, { allow: allowed.join(', '), 'content-type': 'application/json' }).end('{"error":"method_not_allowed"}');
    connect(req, res);
  });
  const bound = await listen(server, host, port);
  return {
    port: bound,
    async close({ drainMs = 0 } = {}) {
      stopping = true;
      if (drainMs > 0) await sleep(drainMs);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
