import { Counter, Histogram, type Registry } from 'prom-client';

/** Server-side RPC metrics, named after the OpenTelemetry RPC conventions. */
export class RpcMetrics {
  readonly handled: Counter<'service' | 'method' | 'code'>;
  readonly duration: Histogram<'service' | 'method'>;

  constructor(registry: Registry) {
    this.handled = new Counter({
      name: 'rpc_server_handled_total',
      help: 'RPCs completed by the server, by status code',
      labelNames: ['service', 'method', 'code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'rpc_server_duration_seconds',
      help: 'Time from receiving a request to sending its response',
      labelNames: ['service', 'method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }
}
