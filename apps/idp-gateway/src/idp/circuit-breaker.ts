export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  openForMs: number;
  now?: () => number;
  onStateChange?: (state: BreakerState) => void;
}

/**
 * A circuit breaker per IdP: after `failureThreshold` consecutive outage failures it opens and
 * calls fail fast; after `openForMs` one probe call is let through (half-open), whose outcome
 * closes or re-opens it. State lives in this replica's memory only: it is an optimisation of
 * failure, never needed for correctness.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probeInFlight = false;
  lastFailureAt: Date | undefined;
  lastSuccessAt: Date | undefined;
  /** What the last failure was, for people (see recordFailure). */
  lastFailure: string | undefined;

  constructor(private readonly options: BreakerOptions) {}

  get state(): BreakerState {
    return this.#state;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** When an open breaker will let a probe through. */
  get retryAt(): Date | undefined {
    return this.#state === 'open' ? new Date(this.#openedAt + this.options.openForMs) : undefined;
  }

  /** Whether a call may go out now; in half-open only one probe at a time. */
  tryAcquire(): boolean {
    const now = (this.options.now ?? Date.now)();
    if (this.#state === 'open' && now - this.#openedAt >= this.options.openForMs) this.#transition('half-open');
    if (this.#state === 'closed') return true;
    if (this.#state === 'half-open' && !this.#probeInFlight) {
      this.#probeInFlight = true;
      return true;
    }
    return false;
  }

  /** The call reached the IdP and got a meaningful answer (even an OAuth error). */
  recordSuccess(): void {
    this.#probeInFlight = false;
    this.#failures = 0;
    this.lastSuccessAt = new Date((this.options.now ?? Date.now)());
    if (this.#state !== 'closed') this.#transition('closed');
  }

  /** The IdP was unreachable, timed out or failed on its side. `reason` becomes `lastFailure`,
   * which every caller of ListProviders sees: our own words only (IdpError.summary), never text
   * from the IdP or from a third-party error message. */
  recordFailure(reason: string): void {
    const now = (this.options.now ?? Date.now)();
    this.#probeInFlight = false;
    this.#failures += 1;
    this.lastFailureAt = new Date(now);
    this.lastFailure = reason;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.options.failureThreshold)) {
      this.#openedAt = now;
      this.#transition('open');
    }
  }

  /** A call that went out ended without telling anything about the IdP (e.g. cancelled). */
  release(): void {
    this.#probeInFlight = false;
  }

  #transition(state: BreakerState): void {
    this.#state = state;
    this.options.onStateChange?.(state);
  }
}
