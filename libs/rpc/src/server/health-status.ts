import { EventEmitter, on } from 'node:events';
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import { grpcHealthV1, type HealthService } from '@tessera/contracts';

const { HealthCheckResponse_ServingStatus: Status } = grpcHealthV1;
type ServingStatus = grpcHealthV1.HealthCheckResponse_ServingStatus;

/**
 * grpc.health.v1 (Check, List, Watch) for both servers and the plaintext health-only listener:
 * the overall status ("") and one per service, all SERVING until `notServing()` at shutdown.
 * One implementation, served through the same adapters as the services, so a malformed health
 * request is INVALID_ARGUMENT on every port.
 */
export class HealthStatus {
  readonly #services: readonly string[];
  #serving = true;
  readonly #changes = new EventEmitter();

  constructor(services: readonly string[]) {
    this.#services = ['', ...services];
    this.#changes.setMaxListeners(0); // one per Watch stream
  }

  notServing(): void {
    this.#serving = false;
    this.#changes.emit('change');
  }

  #status(service: string): ServingStatus | undefined {
    if (!this.#services.includes(service)) return undefined;
    return this.#serving ? Status.SERVING : Status.NOT_SERVING;
  }

  impl(): ServiceImpl<typeof HealthService> {
    return {
      check: (request) => {
        const status = this.#status(request.service);
        if (status === undefined) throw new ConnectError(`unknown service ${JSON.stringify(request.service)}`, Code.NotFound);
        return { status };
      },
      list: () => ({ statuses: Object.fromEntries(this.#services.map((s) => [s, { status: this.#status(s)! }])) }),
      watch: (request, context) => this.#watch(request.service, context),
    };
  }

  async *#watch(service: string, context: HandlerContext) {
    let last: ServingStatus | undefined;
    const changes = on(this.#changes, 'change', { signal: context.signal });
    for (;;) {
      const status = this.#status(service) ?? Status.SERVICE_UNKNOWN;
      if (status !== last) yield { status };
      last = status;
      if (status === Status.NOT_SERVING) return; // nothing changes after shutdown began
      try {
        await changes.next();
      } catch {
        return; // the stream was cancelled or ended
      }
    }
  }
}
