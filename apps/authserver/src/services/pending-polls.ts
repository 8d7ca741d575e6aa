import type { DeviceFlow } from '../storage/model.js';

interface Entry {
  readonly flow: DeviceFlow;
  readonly until: number;
  lastPollAt: number;
  interval: number;
}

/**
 * This replica's memory of device flows it has just seen pending, so that a device polling
 * faster than AuthDB needs to hear about it is answered without a database round trip. An
 * approval or denial on any replica is seen at most `ttlMs` late (a fraction of the 5 s polling
 * interval); nothing here is needed for correctness: the code is only ever redeemed in AuthDB.
 * Within the window the polling pace is kept here, beyond it in AuthDB.
 */
export class PendingPolls {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 1000,
    private readonly capacity = 10_000,
  ) {}

  /** The entry for a device code hash while it is fresh. */
  get(hash: string, now: number): Entry | undefined {
    const entry = this.#entries.get(hash);
    if (entry && entry.until > now) return entry;
    if (entry) this.#entries.delete(hash);
    return undefined;
  }

  forget(hash: string): void {
    this.#entries.delete(hash);
  }

  remember(hash: string, flow: DeviceFlow, now: number): void {
    this.#entries.delete(hash);
    // Oldest first out: Map iterates in insertion order.
    while (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(hash, { flow, until: now + this.ttlMs, lastPollAt: now, interval: flow.interval });
  }
}
