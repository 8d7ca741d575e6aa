import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { GroupRejection } from '../domain/group-claims.js';
import type { BreakerState } from './circuit-breaker.js';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

/** Per IdP and operation: latency, outcomes by error kind, and breaker state; per IdP, the group
 * claim values that yielded no group. */
export class IdpMetrics {
  readonly #duration: Histogram<'idp' | 'operation'>;
  readonly #outcomes: Counter<'idp' | 'operation' | 'outcome'>;
  readonly #breaker: Gauge<'idp'>;
  readonly #groupClaimsRejected: Counter<'idp' | 'reason'>;

  constructor(registry: Registry) {
    this.#duration = new Histogram({
      name: 'idp_request_duration_seconds',
      help: 'Time spent on one gateway operation against an IdP, retries included',
      labelNames: ['idp', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.#outcomes = new Counter({
      name: 'idp_requests_total',
      help: 'Gateway operations against IdPs by outcome (ok or the IdP error kind)',
      labelNames: ['idp', 'operation', 'outcome'],
      registers: [registry],
    });
    this.#breaker = new Gauge({
      name: 'idp_circuit_breaker_state',
      help: 'Circuit breaker per IdP: 0 closed, 1 open, 2 half-open',
      labelNames: ['idp'],
      registers: [registry],
    });
    this.#groupClaimsRejected = new Counter({
      name: 'idp_group_claims_rejected_total',
      help: 'Group claim values from an IdP that yielded no group, by reason (malformed, invalid_name, too_long, too_deep, too_many_values, untrusted_namespace, untrusted_authority)',
      labelNames: ['idp', 'reason'],
      registers: [registry],
    });
  }

  /** Starts timing; call the result with the outcome. */
  start(idp: string, operation: string): (outcome: string) => void {
    const stop = this.#duration.startTimer({ idp, operation });
    return (outcome) => {
      stop();
      this.#outcomes.inc({ idp, operation, outcome });
    };
  }

  breakerState(idp: string, state: BreakerState): void {
    this.#breaker.set({ idp }, BREAKER_VALUE[state]);
  }

  groupClaimsRejected(idp: string, reason: GroupRejection, count: number): void {
    this.#groupClaimsRejected.inc({ idp, reason }, count);
  }
}
