import { setTimeout as sleep } from 'node:timers/promises';
import type { DescService } from '@bufbuild/protobuf';
import { createContextValues } from '@connectrpc/connect';
import { Server, ServerCredentials, type ServerUnaryCall } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { formatHostPort } from '@tessera/config';
import type { Logger } from 'pino';
import { callerKey } from '../auth/caller.js';
import type { CallerResolver } from '../auth/peer-identity.js';
import { ReloadingServerCredentials } from '../tls/grpc-server-credentials.js';
import type { TlsWatcher } from '../tls/tls-watcher.js';
import { bindService } from './bind-service.js';
import type { ServiceDefinition } from './define-service.js';
import { toGrpcService } from './grpc-adapter.js';
import { createReflection } from './reflection.js';
import type { RpcMetrics } from './rpc-metrics.js';

/** Requests larger than this are refused with RESOURCE_EXHAUSTED before they are decoded. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface GrpcServerOptions {
  services: readonly ServiceDefinition[];
  tls: TlsWatcher;
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
 */
export async function startGrpcServer(host: string, port: number, options: GrpcServerOptions): Promise<RpcServer> {
  const maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const server = new Server({
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': 4 * maxBytes,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const shutdownSignal = new AbortController();
  const contextValues = (call: ServerUnaryCall<unknown, unknown>) =>
    createContextValues().set(callerKey, options.callers.resolve(call.getAuthContext().sslPeerCertificate));

  const health = new HealthImplementation({ '': 'SERVING' });
  for (const definition of options.services) {
    const impl = bindService(definition, { logger: options.logger, metrics: options.metrics });
    const { definition: grpcDefinition, handlers } = toGrpcService(definition.service, impl, contextValues, shutdownSignal.signal);
    server.addService(grpcDefinition, handlers);
    health.setStatus(definition.service.typeName, 'SERVING');
  }
  health.addToServer(server);
  createReflection(options.services.map((d) => d.service as DescService)).addToServer(server);

  const boundPort = await bind(server, host, port, new ReloadingServerCredentials(options.tls));
  options.logger.info({ address: formatHostPort({ host, port: boundPort }), services: options.services.map((d) => d.service.typeName) }, 'gRPC server listening');
  // The health-only server shares the status map, so probes see NOT_SERVING during shutdown too.
  let healthServer: Server | undefined;
  let healthPort: number | undefined;
  if (options.health) {
    healthServer = new Server();
    health.addToServer(healthServer);
    healthPort = await bind(healthServer, options.health.host, options.health.port, ServerCredentials.createInsecure());
    options.logger.info({ address: formatHostPort({ ...options.health, port: healthPort }) }, 'gRPC health listening (plaintext, grpc.health.v1 only)');
  }

  return {
    port: boundPort,
    healthPort,
    async shutdown({ drainMs = 0, graceMs = 10_000 } = {}) {
      health.setStatus('', 'NOT_SERVING');
      for (const d of options.services) health.setStatus(d.service.typeName, 'NOT_SERVING');
      if (drainMs > 0) await sleep(drainMs);
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          shutdownSignal.abort();
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      healthServer?.forceShutdown();
    },
  };
}

function bind(server: Server, host: string, port: number, credentials: ServerCredentials): Promise<number> {
  return new Promise<number>((resolve, reject) =>
    server.bindAsync(formatHostPort({ host, port }), credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
}
