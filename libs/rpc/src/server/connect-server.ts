import { setTimeout as sleep } from 'node:timers/promises';
import type { TLSSocket } from 'node:tls';
import { createContextValues } from '@connectrpc/connect';
import { HealthService } from '@tessera/contracts';
import { createSecureServer, type Http2SecureServer, type Http2Session } from 'node:http2';
import { formatHostPort } from '@tessera/config';
import { listen } from '@tessera/observability';
import type { Logger } from 'pino';
import { peerKey, type Peer } from '../auth/caller.js';
import type { CallerResolver } from '../auth/caller-resolver.js';
import type { ServiceIdentities } from '../auth/service-identities.js';
import { MIN_TLS_VERSION, secureContextOptions } from '../tls/tls-material.js';
import type { TlsWatcher } from '../tls/tls-watcher.js';
import { bindService } from './bind-service.js';
import { createConnectHandler } from './connect-handler.js';
import { HealthStatus } from './health-status.js';
import type { ServiceDefinition } from './define-service.js';
import { MAX_MESSAGE_BYTES, type RpcServer } from './grpc-server.js';
import type { RpcMetrics } from './rpc-metrics.js';

export interface ConnectServerOptions {
  services: readonly ServiceDefinition[];
  tls: TlsWatcher;
  identities: ServiceIdentities;
  callers: CallerResolver;
  logger: Logger;
  metrics?: RpcMetrics;
  maxMessageBytes?: number;
}

/**
 * The same services over the Connect protocol (and gRPC) with connect-node, on HTTPS
 * with HTTP/1.1 and HTTP/2, mTLS required. It exists for callers that cannot speak HTTP/2 gRPC
 * (scripts with curl, browsers behind a proxy); the handlers are the very same as on gRPC.
 */
export async function startConnectServer(host: string, port: number, options: ConnectServerOptions): Promise<RpcServer> {
  // The peer certificate is parsed once per TLS connection, not once per call.
  const peerBySocket = new WeakMap<TLSSocket, Peer | undefined>();
  const peerOf = (socket: TLSSocket): Peer | undefined => {
    if (!peerBySocket.has(socket)) {
      peerBySocket.set(socket, socket.authorized ? options.identities.resolve(socket.getPeerCertificate()) : undefined);
    }
    return peerBySocket.get(socket);
  };
  const health = new HealthStatus(options.services.map((d) => d.service.typeName));
  const bind = { logger: options.logger, metrics: options.metrics, callers: options.callers };
  const handler = createConnectHandler({
    readMaxBytes: options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
    routes(router) {
      router.service(HealthService, health.impl());
      for (const definition of options.services) router.service(definition.service, bindService(definition, bind));
    },
    contextValues: (req) => createContextValues().set(peerKey, peerOf(req.socket as TLSSocket)),
  });
  const server: Http2SecureServer = createSecureServer(
    {
      allowHTTP1: true,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: MIN_TLS_VERSION,
      ...secureContextOptions(options.tls.current),
    },
    handler,
  );
  const onChange = (material: Parameters<typeof secureContextOptions>[0]) => server.setSecureContext(secureContextOptions(material));
  options.tls.on('change', onChange);

  // http2's close() waits for every client session; they are tracked to be closed on shutdown.
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const sockets = new Set<TLSSocket>();
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // HTTP/1.1 keep-alive connections have no session to close gracefully: count their requests
  // in flight, so that on shutdown idle ones end at once and busy ones after their response.
  let closing = false;
  const busy = new Map<TLSSocket, number>();
  server.on('request', (req, res) => {
    if (req.httpVersionMajor !== 1) return;
    const socket = req.socket as TLSSocket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
      if (closing && left <= 0) socket.end();
    });
  });

  const bound = await listen(server, host, port);
  options.logger.info({ address: formatHostPort({ host, port: bound }) }, 'Connect server listening');

  return {
    port: bound,
    async shutdown({ drainMs = 0, graceMs = 10_000 } = {}) {
      options.tls.off('change', onChange);
      health.notServing();
      if (drainMs > 0) await sleep(drainMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close();
      const force = setTimeout(() => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      closing = true;
      for (const socket of sockets) if (socket.alpnProtocol !== 'h2' && !busy.has(socket)) socket.end();
      await closed;
      clearTimeout(force);
    },
  };
}
