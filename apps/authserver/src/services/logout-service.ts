import type { Client } from '@connectrpc/connect';
import type { TokenManagerService } from '@tessera/contracts';
import type { Logger } from '@tessera/observability';
import { TemporarilyUnavailable } from '../oauth/errors.js';
import type { Session } from '../storage/model.js';
import type { SessionService } from './session-service.js';

/**
 * Logout (DESIGN §2). Ending a session leaves the user's IdP token at tokenmanager, since jobs
 * act for the user after the laptop closes; `everywhere` also ends the user's other sessions and
 * has tokenmanager delete the IdP tokens and revoke them at the IdP (through its outbox, so a
 * revocation the IdP cannot take now is retried until it succeeds).
 */
export class LogoutService {
  constructor(
    private readonly sessions: SessionService,
    private readonly tokenManager: Client<typeof TokenManagerService>,
    private readonly logger: Logger,
  ) {}

  /** Ends `session`; true when it was active until now. */
  async logout(session: Session, options: { everywhere: boolean; reason: 'logout' | 'revoked' }): Promise<boolean> {
    const endedNow = await this.sessions.end(session.id, options.reason);
    if (options.everywhere) await this.forgetIdpTokens(session.identity.userId, options.reason);
    return endedNow;
  }

  /** Ends every session of the user and deletes their IdP tokens at tokenmanager. */
  async forgetIdpTokens(userId: string, reason: string): Promise<void> {
    await this.sessions.endAllOfUser(userId, 'logout');
    try {
      await this.tokenManager.deleteToken({ userId, revokeUpstream: true, reason: `authserver: ${reason} everywhere` });
    } catch (error) {
      this.logger.error({ err: error, userId }, 'tokenmanager could not delete the IdP tokens at logout');
      throw new TemporarilyUnavailable('the sessions have ended, but the stored identity provider tokens could not be deleted now; try again', { cause: error });
    }
  }
}
