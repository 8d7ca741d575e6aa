import type { Logger } from '@tessera/observability';
import type { AuthDb } from '../storage/stores.js';

const BATCH = 500;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Deletes expired device flows, browser logins and ended sessions from AuthDB now and then, a
 * batch at a time so no statement holds locks for long. Sessions are kept a day after they end,
 * so `ListSessions` can still show why one ended.
 */
export class AuthDbCleanup {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: AuthDb,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): this {
    this.#timer = setInterval(() => {
      this.#running = this.#running.then(async () => void (await this.runOnce())).catch((error: unknown) => this.logger.warn({ err: error }, 'AuthDB cleanup failed; it runs again later'));
    }, this.intervalMs);
    this.#timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One pass, batch after batch until nothing is left; returns how many rows of each kind went.
   * Flows stay an hour past their expiry, so a late poll still hears expired_token (RFC 8628
   * §3.5) and a replayed authorization code is still recognised. */
  async runOnce(): Promise<{ deviceFlows: number; authorizationFlows: number; sessions: number }> {
    const now = this.clock().getTime();
    const { deviceFlows, authorizationFlows, sessions } = this.db.stores;
    const drain = async (remove: (before: Date, limit: number) => Promise<number>, before: number) => {
      let total = 0;
      for (let n = BATCH; n === BATCH; total += n) n = await remove(new Date(before), BATCH);
      return total;
    };
    const deleted = {
      deviceFlows: await drain((b, l) => deviceFlows.deleteExpired(b, l), now - HOUR),
      authorizationFlows: await drain((b, l) => authorizationFlows.deleteExpired(b, l), now - HOUR),
      sessions: await drain((b, l) => sessions.deleteExpired(b, l), now - DAY),
    };
    if (deleted.deviceFlows + deleted.authorizationFlows + deleted.sessions > 0) this.logger.debug(deleted, 'AuthDB cleaned up');
    return deleted;
  }
}
