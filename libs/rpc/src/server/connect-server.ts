import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingMessage as Http1Request } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createContextValues } from '@connectrpc/connect';
import { HealthService } from '@tessera/contracts';
import { createSecureServer, type Http2SecureServer, type Http2ServerRequest, type Http2Session } from 'node:http2';
import { formatHostPort } from '@tessera/config';
import { listen } from '@tessera/observability';
import type { Logger } from 'pino';
import { peerKey, remoteAddressKey, type Peer } from '../auth/caller.js';
import type { CallerResolver } from '../auth/caller-resolver.js';
import type { ServiceIdentities } from '../auth/service-identities.js';
import { MIN_TLS_VERSION, secureContextOptions } from '../tls/tls-material.js';
import type { TlsWatcher } from '../tls/tls-watcher.js';
import { bindService } from './bind-service.js';
import { createConnectHandler } from './connect-handler.js';
import { HealthStatus } from './health-status.js';
import type { ServiceDefinition } from './define-service.js';
import { HANDSHAKE_TIMEOUT_MS, MAX_MESSAGE_BYTES, type RpcServer } from './grpc-server.js';
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
  // The peer is resolved once per connection: per HTTP/2 session, or per HTTP/1.1 TLS socket.
  // (An HTTP/2 request's req.socket is a proxy object, not the TLS socket, so it is no key.)
  const peerBySession = new WeakMap<Http2Session, Peer | undefined>();
  const peerBySocket = new WeakMap<TLSSocket, Peer | undefined>();
  const resolvePeer = (socket: TLSSocket) => (socket.authorized ? options.identities.resolve(socket.getPeerCertificate()) : undefined);
  const peerOf = (req: Http1Request | Http2ServerRequest): Peer | undefined => {
    if ('stream' in req) return req.stream.session ? peerBySession.get(req.stream.session) : undefined;
    return peerBySocket.get(req.socket as TLSSocket);
  };
  const health = new HealthStatus(options.services.map((d) => d.service.typeName));
  const bind = { logger: options.logger, metrics: options.metrics, callers: options.callers };
  const handler = createConnectHandler({
    readMaxBytes: options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
    routes(router) {
      router.service(HealthService, health.impl());
      for (const definition of options.services) router.service(definition.service, bindService(definition, bind));
    },
    contextValues: (req) => {
      const socket = req.socket as TLSSocket;
      return createContextValues().set(peerKey, peerOf(req)).set(remoteAddressKey, `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`);
    },
  });
  const server: Http2SecureServer = createSecureServer(
    {
      allowHTTP1: true,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: MIN_TLS_VERSION,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      ...secureContextOptions(options.tls.current),
    },
    handler,
  );
  const onChange = (material: Parameters<typeof secureContextOptions>[0]) => server.setSecureContext(secureContextOptions(material));

  // http2's close() waits for every client session; they are tracked to be closed on shutdown.
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    peerBySession.set(session, resolvePeer(session.socket as TLSSocket));
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  // Every TCP connection, mid-handshake ones too, so that shutdown ends them all within graceMs;
  // and the TLS connections, so that idle HTTP/1.1 ones end at once.
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const sockets = new Set<TLSSocket>();
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol !== 'h2') peerBySocket.set(socket, resolvePeer(socket));
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
  options.tls.on('change', onChange);
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
        for (const socket of connections) socket.destroy();
      }, graceMs);
      closing = true;
      for (const socket of sockets) if (socket.alpnProtocol !== 'h2' && !busy.has(socket)) socket.end();
      await closed;
      clearTimeout(force);
    },
  };
}
