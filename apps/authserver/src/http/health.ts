import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@tessera/observability';
import type { Upstreams } from '../upstream/upstreams.js';

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
  // The endpoint is public: requests that arrive while a probe is out share it, so a flood of
  // /readyz cannot turn into a flood of pings at the services behind it; each answer is current.
  let inFlight: Promise<(readonly [string, 'ok' | 'failing'])[]> | undefined;
  const probes = () => {
    if (inFlight) return inFlight;
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
    inFlight = results.finally(() => (inFlight = undefined));
    return inFlight;
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
