import type { Logger } from '@tessera/observability';
import type { AuthDb } from '../storage/stores.js';

const BATCH = 500;

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

  /** One pass; returns how many rows of each kind went. */
  async runOnce(): Promise<{ deviceFlows: number; authorizationFlows: number; sessions: number }> {
    const now = this.clock();
    const { deviceFlows, authorizationFlows, sessions } = this.db.stores;
    const deleted = {
      deviceFlows: await deviceFlows.deleteExpired(now, BATCH),
      authorizationFlows: await authorizationFlows.deleteExpired(now, BATCH),
      sessions: await sessions.deleteExpired(new Date(now.getTime() - 86_400_000), BATCH),
    };
    if (deleted.deviceFlows + deleted.authorizationFlows + deleted.sessions > 0) this.logger.debug(deleted, 'AuthDB cleaned up');
    return deleted;
  }
}
