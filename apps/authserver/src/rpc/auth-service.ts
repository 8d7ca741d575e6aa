import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Client, HandlerContext } from '@connectrpc/connect';
import { Property } from '@tessera/config';
import { authserverV1, AuthService, type TokenManagerService } from '@tessera/contracts';
import { callerOf, decodePageToken, defineService, encodePageToken, FORWARDED_USER_TOKEN, NotFoundError, pageSize, propagate, UnauthenticatedError, userCaller, type ServiceDefinition, type UserCaller } from '@tessera/rpc';
import type { LogoutService } from '../services/logout-service.js';
import type { OwnTokenVerifier, VerifiedAccessToken } from '../services/own-tokens.js';
import type { SessionService } from '../services/session-service.js';
import type { Session } from '../storage/model.js';

export interface AuthServiceDeps {
  readonly sessions: SessionService;
  readonly logout: LogoutService;
  readonly tokenManager: Client<typeof TokenManagerService>;
  readonly ownTokens: OwnTokenVerifier;
  readonly issuer: string;
}

const isAdmin = (caller: UserCaller) => caller.properties.has(Property.ProxyManagement);
const isKey = (key: unknown): key is { c: string; i: string } => typeof (key as { c?: unknown })?.c === 'string' && typeof (key as { i?: unknown })?.i === 'string';

/**
 * The CLI's Connect API. Callers are users presenting a Tessera access token (bearer), resolved
 * at the RPC edge like every other caller; each method states its rule beside its handler.
 */
export function authService(deps: AuthServiceDeps): ServiceDefinition<typeof AuthService> {
  const { sessions } = deps;
  return defineService(AuthService, {
    whoami: {
      allow: userCaller,
      async handle(_request, context) {
        const caller = callerOf(context) as UserCaller;
        const token = await bearerClaims(context, deps);
        return {
          userId: caller.id,
          subject: token.sub,
          vo: caller.vo,
          group: caller.group,
          properties: [...caller.properties],
          scopes: [...caller.scopes],
          tokenExpiresAt: timestampFromDate(caller.expiresAt),
          issuer: deps.issuer,
          clientId: token.clientId,
          sessionId: token.sessionId ?? '',
          provider: token.provider ?? '',
          providerSubject: token.providerSubject ?? '',
        };
      },
    },

    // Own sessions; an administrator (ProxyManagement) may name another user.
    listSessions: {
      allow: (caller, request: authserverV1.ListSessionsRequest) =>
        userCaller(caller, request) ?? (request.userId === '' || request.userId === caller.id || caller.properties.has(Property.ProxyManagement) ? undefined : "listing another user's sessions needs the ProxyManagement property"),
      async handle(request, context) {
        const caller = callerOf(context) as UserCaller;
        const userId = request.userId || caller.id;
        const limit = pageSize(request.pageSize);
        const fields = { userId, includeInactive: request.includeInactive };
        const after = decodePageToken(request.pageToken, fields, isKey);
        const current = (await bearerClaims(context, deps)).sessionId;
        const page = await sessions.list(userId, { after: after && { createdAt: new Date(after.c), id: after.i }, limit: limit + 1 }, !request.includeInactive);
        const shown = page.slice(0, limit);
        const last = shown.at(-1);
        return {
          sessions: shown.map((s) => sessionMessage(s, sessions, s.id === current)),
          nextPageToken: page.length > limit && last ? encodePageToken({ c: last.createdAt.toISOString(), i: last.id }, fields) : '',
        };
      },
    },

    // Own sessions; an administrator may end anyone's. Another user's session is NOT_FOUND to
    // everyone else, so its existence is not disclosed.
    revokeSession: {
      allow: userCaller,
      async handle(request, context) {
        const caller = callerOf(context) as UserCaller;
        const own = (await bearerClaims(context, deps)).sessionId;
        const session = request.sessionId === '' ? undefined : await sessions.byId(request.sessionId);
        if (!session || (session.identity.userId !== caller.id && !isAdmin(caller))) throw new NotFoundError(`no session ${request.sessionId} of yours`);
        const endedNow = await deps.logout.logout(session, { everywhere: request.deleteIdpTokens, reason: 'revoked' });
        const current = own === session.id;
        const after = (await sessions.byId(session.id)) ?? session;
        return { session: sessionMessage(after, sessions, current), revokedNow: endedNow };
      },
    },

    // Asks tokenmanager as the user: the user's own token is forwarded, so it acts for them only.
    getMyTokensInfo: {
      allow: userCaller,
      async handle(_request, context) {
        await bearerClaims(context, deps);
        const header = context.requestHeader.get('authorization') ?? '';
        const response = await deps.tokenManager.getUserTokensInfo({ userId: callerOf(context).id }, { ...propagate(context), headers: { [FORWARDED_USER_TOKEN]: header } });
        return {
          tokens: response.tokens.map((t) => ({
            provider: t.provider,
            subject: t.subject,
            scopes: t.scopes,
            clientId: t.clientId,
            issuedAt: t.issuedAt,
            expiresAt: t.expiresAt,
            refreshExpiresAt: t.refreshExpiresAt,
            lastUsedAt: t.lastUsedAt,
          })),
        };
      },
    },
  });
}

/** The bearer token's claims, which the edge has already verified; a token of a session that has
 * ended (logout, reuse detected) is refused here, since the Connect API acts on sessions. */
async function bearerClaims(context: HandlerContext, deps: Pick<AuthServiceDeps, 'ownTokens' | 'sessions'>): Promise<VerifiedAccessToken> {
  const token = /^Bearer (\S+)$/i.exec(context.requestHeader.get('authorization') ?? '')?.[1];
  const claims = token === undefined ? undefined : await deps.ownTokens.verify(token);
  if (!claims) throw new UnauthenticatedError('the access token is not valid');
  if (claims.sessionId) {
    const session = await deps.sessions.byId(claims.sessionId);
    if (!session || !deps.sessions.isActive(session)) throw new UnauthenticatedError('the session of this access token has ended: log in again');
  }
  return claims;
}

function sessionMessage(session: Session, sessions: SessionService, current: boolean) {
  const { SessionState } = authserverV1;
  const state = session.endReason === 'reuse' ? SessionState.REUSE_DETECTED : session.revokedAt ? SessionState.REVOKED : sessions.isActive(session) ? SessionState.ACTIVE : SessionState.EXPIRED;
  return {
    sessionId: session.id,
    clientId: session.clientId,
    group: session.identity.group,
    scopes: [...session.scopes],
    state,
    createdAt: timestampFromDate(session.createdAt),
    ...(session.lastUsedAt ? { lastUsedAt: timestampFromDate(session.lastUsedAt) } : {}),
    expiresAt: timestampFromDate(session.expiresAt),
    ...(session.revokedAt ? { revokedAt: timestampFromDate(session.revokedAt) } : {}),
    createdUserAgent: session.origin.userAgent,
    createdIpAddress: session.origin.ipAddress,
    current,
  };
}
