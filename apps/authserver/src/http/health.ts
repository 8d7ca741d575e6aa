import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@tessera/observability';
import type { Upstreams } from '../upstream/upstreams.js';

const PROBE_REUSE_MS = 1000;

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));

/** Liveness: the process answers. */
export function healthz(_req: IncomingMessage, res: ServerResponse): void {
  json(res, 200, { status: 'ok' });
}

/**
 * Readiness: authserver can reach what it depends on. Each dependency is pinged over mTLS with a
 * short deadline. The answer is public, so it names only the checks that fail; why they fail
 * (addresses, ports, transport errors) goes to the log, for the operator.
 */
export function readyz(upstreams: Upstreams, isStopping: () => boolean, logger: Logger) {
  // The endpoint is public: answers are shared for a second, so a flood of /readyz cannot turn
  // into a flood of pings at the services behind it.
  let last: { at: number; results: Promise<(readonly [string, 'ok' | 'failing'])[]> } | undefined;
  const probes = () => {
    if (last && Date.now() - last.at < PROBE_REUSE_MS) return last.results;
    const checks = {
      tokenmanager: upstreams.tokenManager.ping({}, { timeoutMs: 2000 }),
      'idp-gateway': upstreams.idpGateway.ping({}, { timeoutMs: 2000 }),
    };
    const results = Promise.all(
      Object.entries(checks).map(async ([name, call]) => {
        try {
          await call;
          return [name, 'ok'] as const;
        } catch (error) {
          logger.warn({ check: name, reason: error instanceof Error ? error.message : String(error) }, 'readiness check failing');
          return [name, 'failing'] as const;
        }
      }),
    );
    last = { at: Date.now(), results };
    return results;
  };
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (isStopping()) {
      json(res, 503, { status: 'stopping' });
      return;
    }
    const results = await probes();
    const failing = results.filter(([, r]) => r !== 'ok');
    json(res, failing.length === 0 ? 200 : 503, { status: failing.length === 0 ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  };
}
