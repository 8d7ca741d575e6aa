import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { AuthService } from '@tessera/contracts';
import { CliError, RUN_LOGIN } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import type { Identity, SessionSummary, StoredIdpToken } from './identity.js';

/** What the CLI asks of the authserver's Connect API (tessera.authserver.v1.AuthService). */
export interface AuthApi {
  whoami(): Promise<Identity>;
  tokens(): Promise<StoredIdpToken[]>;
  sessions(options: { includeInactive: boolean }): Promise<SessionSummary[]>;
  revokeSession(sessionId: string, options: { deleteIdpTokens: boolean }): Promise<{ revokedNow: boolean }>;
}

const STATES: Record<number, SessionSummary['state']> = { 1: 'active', 2: 'expired', 3: 'revoked', 4: 'reuse-detected' };
const date = (t: Timestamp | undefined) => (t ? timestampDate(t) : undefined);

/** The API as the token's user, over Connect on HTTP/1.1 at the issuer's own URL; every
 * failure comes out as CliError. */
export function authApi(issuer: string, accessToken: string): AuthApi {
  const transport = createConnectTransport({
    baseUrl: issuer,
    httpVersion: '1.1',
    interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${accessToken}`), next(req))],
  });
  const client = createClient(AuthService, transport);
  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw translateApiError(error, issuer);
    }
  };
  return {
    async whoami() {
      const { $typeName: _, tokenExpiresAt, ...me } = await call(() => client.whoami({}));
      return { ...me, tokenExpiresAt: tokenExpiresAt && timestampDate(tokenExpiresAt) };
    },
    async tokens() {
      const { tokens } = await call(() => client.getMyTokensInfo({}));
      return tokens.map((t) => ({ provider: t.provider, subject: t.subject, scopes: t.scopes, expiresAt: date(t.expiresAt), refreshExpiresAt: date(t.refreshExpiresAt), lastUsedAt: date(t.lastUsedAt) }));
    },
    async sessions({ includeInactive }) {
      const all: SessionSummary[] = [];
      let pageToken = '';
      do {
        const page = await call(() => client.listSessions({ includeInactive, pageSize: 1000, pageToken }));
        for (const s of page.sessions) {
          all.push({ sessionId: s.sessionId, clientId: s.clientId, group: s.group, state: STATES[s.state] ?? 'unknown', current: s.current, createdAt: date(s.createdAt), lastUsedAt: date(s.lastUsedAt), expiresAt: date(s.expiresAt), createdIpAddress: s.createdIpAddress });
        }
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      return all;
    },
    async revokeSession(sessionId, { deleteIdpTokens }) {
      const { revokedNow } = await call(() => client.revokeSession({ sessionId, deleteIdpTokens }));
      return { revokedNow };
    },
  };
}

export function translateApiError(error: unknown, issuer: string): CliError {
  const e = ConnectError.from(error);
  switch (e.code) {
    case Code.Unauthenticated:
      return new CliError(ExitCode.notLoggedIn, `the issuer refused the access token: ${e.rawMessage}`, { cause: e, hint: RUN_LOGIN });
    case Code.NotFound:
      return new CliError(ExitCode.usage, e.rawMessage, { cause: e });
    case Code.PermissionDenied:
      return new CliError(ExitCode.accessDenied, `access denied: ${e.rawMessage}`, { cause: e });
    case Code.Unavailable:
    case Code.DeadlineExceeded:
      return new CliError(ExitCode.issuerUnreachable, `cannot reach the issuer ${issuer}: ${e.rawMessage}`, { cause: e });
    default:
      return new CliError(ExitCode.failure, `${Code[e.code]}: ${e.rawMessage}`, { cause: e });
  }
}
