import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { createServer as createTlsServer } from 'node:tls';
import type { DescService } from '@bufbuild/protobuf';
import { createContextValues, type ServiceImpl } from '@connectrpc/connect';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { formatHostPort } from '@tessera/config';
import { HealthService } from '@tessera/contracts';
import { listen } from '@tessera/observability';
import type { Logger } from 'pino';
import { peerKey, remoteAddressKey, type Peer } from '../auth/caller.js';
import type { CallerResolver } from '../auth/caller-resolver.js';
import type { ServiceIdentities } from '../auth/service-identities.js';
import { MIN_TLS_VERSION, secureContextOptions, type TlsMaterial } from '../tls/tls-material.js';
import type { TlsWatcher } from '../tls/tls-watcher.js';
import { bindService } from './bind-service.js';
import type { ServiceDefinition } from './define-service.js';
import { toGrpcService, type ContextValuesFactory } from './grpc-adapter.js';
import { HealthStatus } from './health-status.js';
import { createReflection } from './reflection.js';
import type { RpcMetrics } from './rpc-metrics.js';

/** Requests larger than this are refused with RESOURCE_EXHAUSTED before they are decoded. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** A client gets this long to finish the TLS handshake (node's default is 120 s, which would also
 * hold up shutdown). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface GrpcServerOptions {
  services: readonly ServiceDefinition[];
  tls: TlsWatcher;
  /** Service identities from client certificates (per connection). */
  identities: ServiceIdentities;
  /** Who may call, from the connection's identity and the call's headers (per call). */
  callers: CallerResolver;
  logger: Logger;
  metrics?: RpcMetrics;
  maxMessageBytes?: number;
  /** A plaintext listener serving only grpc.health.v1 (for Kubernetes gRPC probes). */
  health?: { host: string; port: number };
}

export interface RpcServer {
  /** The bound port (useful when asked for port 0). */
  readonly port: number;
  /** The plaintext health-only port, when one was asked for. */
  readonly healthPort?: number;
  /** Marks every service NOT_SERVING, waits `drainMs` so load balancers notice, lets in-flight
   * calls finish within `graceMs`, then closes. */
  shutdown(options?: { drainMs?: number; graceMs?: number }): Promise<void>;
}

/**
 * The internal gRPC server: grpc-js over mTLS (TLS 1.3, client certificate required), serving our
 * services plus grpc.health.v1 and server reflection. grpc-js was chosen over connect-node for
 * internal traffic after `bench/rpc` (see README): it serves about twice the unary calls per core.
 *
 * TLS is terminated by a node:tls server of our own and each verified connection is handed to
 * grpc-js through its connection injector. That is what lets the caller be resolved once per
 * connection: grpc-js re-reads the peer certificate on every call (`getAuthContext()` calls
 * `getPeerCertificate()`, which parses it again, a measured sixth of a call's cost), so each
 * socket answers with the one certificate object read at the handshake, and the identity resolved
 * for that object is looked up by identity (a WeakMap), never by anything another connection
 * could share. It also keeps certificate reload in our hands (`setSecureContext`), with no
 * grpc-js internals overridden.
 */
export async function startGrpcServer(host: string, port: number, options: GrpcServerOptions): Promise<RpcServer> {
  const maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const server = new Server({
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': 4 * maxBytes,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const shutdownSignal = new AbortController();
  const peers = new WeakMap<PeerCertificate, Peer>();
  const contextValues: ContextValuesFactory = (call) => {
    const certificate = call.getAuthContext().sslPeerCertificate;
    return createContextValues().set(peerKey, certificate && peers.get(certificate)).set(remoteAddressKey, call.getPeer());
  };
  const add = (target: Server, service: DescService, impl: ServiceImpl<DescService>, values: ContextValuesFactory) => {
    const { definition, handlers } = toGrpcService(service, impl, values, shutdownSignal.signal);
    target.addService(definition, handlers);
  };

  const health = new HealthStatus(options.services.map((d) => d.service.typeName));
  const bind = { logger: options.logger, metrics: options.metrics, callers: options.callers };
  for (const definition of options.services) add(server, definition.service, bindService(definition, bind), contextValues);
  add(server, HealthService, health.impl() as ServiceImpl<DescService>, contextValues);
  createReflection(options.services.map((d) => d.service as DescService)).addToServer(server);

  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  let closing = false;
  const tlsServer = createTlsServer(
    { ...secureContextOptions(options.tls.current), requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'], minVersion: MIN_TLS_VERSION, handshakeTimeout: HANDSHAKE_TIMEOUT_MS },
    (socket: TLSSocket) => {
      // A handshake that ends after shutdown began finds nobody to serve it.
      if (closing) {
        socket.destroy();
        return;
      }
      // The handshake verified the chain (rejectUnauthorized); the identity is resolved once here.
      const certificate = socket.getPeerCertificate();
      peers.set(certificate, options.identities.resolve(certificate));
      socket.getPeerCertificate = (() => certificate) as TLSSocket['getPeerCertificate'];
      socket.on('error', () => undefined); // the http2 session ends the call; nothing to report twice
      injector.injectConnection(socket);
    },
  );
  // Every TCP connection, mid-handshake ones too, so that shutdown can end them all.
  const sockets = new Set<Socket>();
  tlsServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  tlsServer.on('tlsClientError', (error) => options.logger.debug({ err: { message: error.message } }, 'TLS handshake refused'));
  const onChange = (material: TlsMaterial) => tlsServer.setSecureContext(secureContextOptions(material));
  let boundPort: number;
  try {
    boundPort = await listen(tlsServer, host, port);
  } catch (error) {
    injector.destroy();
    throw error;
  }
  options.tls.on('change', onChange);
  options.logger.info({ address: formatHostPort({ host, port: boundPort }), services: options.services.map((d) => d.service.typeName) }, 'gRPC server listening');

  // The health-only server shares the status, so probes see NOT_SERVING during shutdown too.
  let healthServer: Server | undefined;
  let healthPort: number | undefined;
  if (options.health) {
    healthServer = new Server();
    add(healthServer, HealthService, health.impl() as ServiceImpl<DescService>, () => createContextValues());
    healthPort = await new Promise<number>((resolve, reject) =>
      healthServer!.bindAsync(formatHostPort(options.health!), ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    options.logger.info({ address: formatHostPort({ ...options.health, port: healthPort }) }, 'gRPC health listening (plaintext, grpc.health.v1 only)');
  }

  return {
    port: boundPort,
    healthPort,
    async shutdown({ drainMs = 0, graceMs = 10_000 } = {}) {
      health.notServing();
      if (drainMs > 0) await sleep(drainMs);
      options.tls.off('change', onChange);
      closing = true;
      tlsServer.close(); // no new connections; open ones end with their sessions below
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          shutdownSignal.abort();
          server.forceShutdown();
          for (const socket of sockets) socket.destroy();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      injector.destroy();
      for (const socket of sockets) socket.destroy(); // mid-handshake ones, which no session owns
      healthServer?.forceShutdown();
    },
  };
}
