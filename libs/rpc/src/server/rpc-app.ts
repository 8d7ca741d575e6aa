import { createMetricsRegistry, startMetricsServer, type MetricsServer, type Registry } from '@tessera/observability';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import type { PropertyLookup } from '../auth/caller.js';
import { servicePeers, type CallerResolver } from '../auth/caller-resolver.js';
import { ServiceIdentities } from '../auth/service-identities.js';
import type { TlsWatcher } from '../tls/tls-watcher.js';
import { startConnectServer } from './connect-server.js';
import type { ServiceDefinition } from './define-service.js';
import { startGrpcServer, type RpcServer } from './grpc-server.js';
import { RpcMetrics } from './rpc-metrics.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface RpcAppOptions {
  /** The app's name, as a metrics label. */
  name: string;
  services: readonly ServiceDefinition[];
  logger: Logger;
  /** The app's certificate, key and CA, reloaded when the files change (started here). */
  tls: TlsWatcher;
  /** SPIFFE trust domain of service identities. */
  trustDomain: string;
  /** Registry properties of a service identity. */
  properties: PropertyLookup;
  /** Who may call (default: services, by their certificates). */
  callers?: CallerResolver;
  grpc: Endpoint;
  connect?: Endpoint;
  metrics?: Endpoint;
  /** Plaintext grpc.health.v1-only listener for Kubernetes probes. */
  health?: Endpoint;
  metricsRegistry?: Registry;
}

export interface RpcApp {
  readonly grpcPort: number;
  readonly healthPort: number | undefined;
  readonly connectPort: number | undefined;
  readonly metricsPort: number | undefined;
  readonly metricsRegistry: Registry;
  readonly tls: TlsWatcher;
  close(options?: { drainMs?: number; graceMs?: number }): Promise<void>;
}

/**
 * Starts what every internal service runs: its services on gRPC (and optionally Connect) over
 * mTLS, certificate reload, and the metrics port. Stopping reverses it.
 */
export async function startRpcApp(options: RpcAppOptions): Promise<RpcApp> {
  const metricsRegistry = options.metricsRegistry ?? createMetricsRegistry(options.name);
  const rpcMetrics = new RpcMetrics(metricsRegistry);
  const tls = options.tls.start();
  new Gauge({
    name: 'tls_certificate_expiry_timestamp_seconds',
    help: 'When the service certificate in use expires (Unix time); it is reloaded when the file changes',
    registers: [metricsRegistry],
    collect() {
      this.set(tls.notAfter.getTime() / 1000);
    },
  });
  const common = {
    services: options.services,
    tls,
    identities: new ServiceIdentities(options.trustDomain, options.properties),
    callers: options.callers ?? servicePeers,
    logger: options.logger,
    metrics: rpcMetrics,
  };
  const started: RpcServer[] = [];
  let metricsServer: MetricsServer | undefined;
  try {
    const grpc = await startGrpcServer(options.grpc.host, options.grpc.port, { ...common, health: options.health });
    started.push(grpc);
    const connect = options.connect ? await startConnectServer(options.connect.host, options.connect.port, common) : undefined;
    if (connect) started.push(connect);
    metricsServer = options.metrics ? await startMetricsServer(metricsRegistry, options.metrics.host, options.metrics.port) : undefined;
    return {
      grpcPort: grpc.port,
      healthPort: grpc.healthPort,
      connectPort: connect?.port,
      metricsPort: metricsServer?.port,
      metricsRegistry,
      tls,
      async close(closeOptions) {
        await Promise.all(started.map((s) => s.shutdown(closeOptions)));
        await metricsServer?.close();
        tls.stop();
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.shutdown({ graceMs: 0 })));
    tls.stop();
    throw error;
  }
}

/** Runs `close` once on SIGINT or SIGTERM, then exits. */
export function closeOnSignals(close: () => Promise<void>, logger: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
