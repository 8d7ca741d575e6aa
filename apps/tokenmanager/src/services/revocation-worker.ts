import type { Client } from '@connectrpc/connect';
import { idpgatewayV1, type IdpGatewayService } from '@tessera/contracts';
import type { Logger } from '@tessera/observability';
import type { PendingRevocation } from '../storage/model.js';
import type { TokenDb } from '../storage/stores.js';
import { IdpGatewayError } from '../upstream/idp-gateway-error.js';

const ACTOR = { kind: 'system' as const, id: 'system:revocation-outbox' };
const BATCH = 20;
const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 3_600_000;
/** One revocation's budget at the gateway, which retries it itself with backoff. */
const CALL_TIMEOUT_MS = 15_000;
/** How long a claimed batch is left alone by the others: longer than the whole batch may take (each
 * call is bounded), so no entry is sent twice at once. A worker that dies holding a claim only
 * delays its entries by this much. */
const LEASE_MS = BATCH * CALL_TIMEOUT_MS + 60_000;

export interface RevocationWorkerOptions {
  /** How often the outbox is looked at (default 5 s). */
  intervalMs?: number;
}

/**
 * Delivers the revocation outbox: every refresh token retired by UpdateToken or DeleteToken is
 * revoked at its IdP (RFC 7009) through the idp-gateway, again and again with backoff until the IdP
 * confirms. An entry leaves the outbox only in the transaction that records the confirmation; with
 * several replicas each entry is worked by one at a time (claimed under its row lock and leased for
 * LEASE_MS); a process killed mid-call leaves the entry to be sent again once its lease ends
 * (revocation is safe to repeat).
 */
export class RevocationWorker {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: TokenDb,
    private readonly gateway: Client<typeof IdpGatewayService>,
    private readonly logger: Logger,
    private readonly options: RevocationWorkerOptions = {},
  ) {}

  start(): this {
    let busy = false;
    this.#timer ??= setInterval(() => {
      if (busy) return; // a run still sending: the next tick comes again
      busy = true;
      this.#running = this.runOnce()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'revocation outbox run failed; trying again later'))
        .finally(() => (busy = false));
    }, this.options.intervalMs ?? 5_000);
    this.#timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Works the entries due at `now`; returns how many were confirmed and how many failed. */
  async runOnce(now = new Date()): Promise<{ revoked: number; failed: number }> {
    // Claimed in a short transaction (locked rows skipped on MariaDB) and leased: no transaction
    // stays open across an IdP call, and another replica leaves a leased entry alone.
    const claimed = await this.db.transaction(async (stores) => {
      const due = await stores.outbox.due(now, BATCH);
      for (const entry of due) await stores.outbox.postpone(entry.id, new Date(Date.now() + LEASE_MS));
      return due;
    });
    const counts = { revoked: 0, failed: 0 };
    for (const entry of claimed) {
      if (await this.#deliver(entry, now)) counts.revoked++;
      else counts.failed++;
    }
    return counts;
  }

  async #deliver(entry: PendingRevocation, now: Date): Promise<boolean> {
    const event = { userId: entry.userId, provider: entry.provider, actor: ACTOR, requestId: entry.id };
    let answer: idpgatewayV1.RevokeTokenResponse;
    try {
      answer = await this.gateway.revokeToken(
        { provider: entry.provider, token: entry.token, tokenTypeHint: entry.tokenTypeHint === 'refresh_token' ? idpgatewayV1.TokenTypeHint.REFRESH_TOKEN : idpgatewayV1.TokenTypeHint.ACCESS_TOKEN },
        { timeoutMs: CALL_TIMEOUT_MS },
      );
    } catch (error) {
      const code = error instanceof IdpGatewayError ? error.oauthError || idpgatewayV1.IdpErrorKind[error.kind] : 'idp-gateway unreachable';
      const backoff = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** entry.attempts) * (0.5 + Math.random() / 2);
      await this.db.transaction(async (stores) => {
        await stores.outbox.retryLater(entry.id, new Date(now.getTime() + backoff), code);
        await stores.history.record({ ...event, action: 'revocation_failed', detail: `${code}; attempt ${entry.attempts + 1}, next in ${Math.round(backoff / 1000)} s` });
      });
      return false;
    }
    await this.db.transaction(async (stores) => {
      await stores.outbox.done(entry.id);
      await stores.history.record({ ...event, action: 'revoked_upstream', detail: answer.revocationSupported ? 'revoked' : `${entry.provider} offers no revocation; nothing to do` });
    });
    return true;
  }
}
