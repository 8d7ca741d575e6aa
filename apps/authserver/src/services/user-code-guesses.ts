/**
 * RFC 8628 §5.1: wrong user codes are counted per source address and in total, per minute, on
 * this replica. Past either limit, codes are not even looked up until the minute is over, so a
 * guesser gets at most `perSource` tries a minute from one address and `total` from all of them:
 * against 20^8 codes that makes a hit hopeless within a code's 30 minutes.
 */
export class UserCodeGuesses {
  readonly #perSource: number;
  readonly #total: number;
  readonly #now: () => number;
  #window = -1;
  #bySource = new Map<string, number>();
  #all = 0;

  constructor(limits: { perSourcePerMinute: number; perMinute: number }, clock: () => number = Date.now) {
    this.#perSource = limits.perSourcePerMinute;
    this.#total = limits.perMinute;
    this.#now = clock;
  }

  /** Whether `source` may try a code now. */
  allowed(source: string): boolean {
    this.#roll();
    return this.#all < this.#total && (this.#bySource.get(source) ?? 0) < this.#perSource;
  }

  /** A code `source` typed matched no pending flow. */
  wrong(source: string): void {
    this.#roll();
    this.#all++;
    this.#bySource.set(source, (this.#bySource.get(source) ?? 0) + 1);
  }

  #roll(): void {
    const window = Math.floor(this.#now() / 60_000);
    if (window === this.#window) return;
    this.#window = window;
    this.#bySource = new Map();
    this.#all = 0;
  }
}
