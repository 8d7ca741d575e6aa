import type { DescService } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { HandlerContext } from '@connectrpc/connect';
import { Property, type RegistryConfig } from '@tessera/config';
import { TokenManagerService, tokenmanagerV1 } from '@tessera/contracts';
import {
  anyCaller,
  anyOf,
  callerOf,
  decodePageToken,
  defineService,
  encodePageToken,
  hasAnyProperty,
  InvalidArgumentError,
  notImplemented,
  pageSize,
  pingAnswer,
  serviceWithAnyProperty,
  type Caller,
  type InstanceInfo,
  type Rule,
  type ServiceDefinition,
  type ServiceSpec,
} from '@tessera/rpc';
import type { AccessTokenService } from '../services/access-token-service.js';
import type { StoredTokensService } from '../services/stored-tokens-service.js';
import type { TokenHistoryService } from '../services/token-history-service.js';
import { requestContext } from './request-context.js';
import { withTokenErrorDetail } from '../services/token-errors.js';
import { historyActionOf, historyEvent, tokenInfo } from './token-info.js';

const proxyManagement = hasAnyProperty(Property.ProxyManagement);
/** The authserver itself (never a user it forwards). */
const tokenIssuer = serviceWithAnyProperty(Property.TokenIssuer);
/** A user (through a forwarded token) for their own user_id; an empty user_id means oneself. */
const selfUser: Rule<{ userId: string }> = (caller, request) =>
  caller.kind === 'user' && (request.userId === caller.id || request.userId === '') ? undefined : `${caller.id} may act only on their own tokens`;

export interface TokenManagerServices {
  storedTokens: StoredTokensService;
  accessTokens: AccessTokenService;
  history: TokenHistoryService;
  registry: RegistryConfig;
  issuers: ReadonlyMap<string, string>;
}

/**
 * GetToken's rule (the contract's): FullDelegation or LimitedDelegation for any user and for client
 * tokens; PrivateLimitedDelegation only for the calling user's own user_id, in a group that has it.
 */
function mayGetToken(registry: RegistryConfig): Rule<{ userId: string; group: string; scopes: string[] }> {
  const groupScopes = new Set(Object.values(registry.groups).flatMap((g) => g.idpScopes));
  return (caller, request) => {
    if (caller.properties.has(Property.FullDelegation) || caller.properties.has(Property.LimitedDelegation)) return undefined;
    if (!caller.properties.has(Property.PrivateLimitedDelegation)) return `${caller.id} needs one of the properties FullDelegation, LimitedDelegation, PrivateLimitedDelegation`;
    if (caller.kind !== 'user' || request.userId !== caller.id) return `${caller.id} may obtain tokens only for themselves (PrivateLimitedDelegation)`;
    const group = registry.groups[request.group];
    if (!group?.properties.includes(Property.PrivateLimitedDelegation)) return `group ${request.group || '(none)'} does not allow PrivateLimitedDelegation`;
    // Oneself in one group: not the group membership another group's scopes would ask the IdP for.
    const own = new Set(group.idpScopes);
    const foreign = request.scopes.filter((s) => !own.has(s) && (groupScopes.has(s) || /^wlcg\.groups(:|$)/.test(s)));
    if (foreign.length > 0) return `with PrivateLimitedDelegation the scopes of other groups may not be asked for (${foreign.join(' ')})`;
    return undefined;
  };
}

/** The user a request is about: its user_id, else the calling user; a service must name one. */
function targetUser(request: { userId: string }, caller: Caller): string {
  if (request.userId !== '') return request.userId;
  if (caller.kind === 'user') return caller.id;
  throw new InvalidArgumentError('user_id is required');
}

const isTokenKey = (k: unknown): k is { userId: string; provider: string } =>
  typeof k === 'object' && k !== null && typeof (k as { userId?: unknown }).userId === 'string' && typeof (k as { provider?: unknown }).provider === 'string';
const isEventKey = (k: unknown): k is { at: number; id: string } =>
  typeof k === 'object' && k !== null && Number.isFinite((k as { at?: unknown }).at) && typeof (k as { id?: unknown }).id === 'string';

/**
 * tokenmanager's RPC surface: each method states who may call it (the contract's rule), parses,
 * calls a service and maps its domain answer. AuditTokens comes with its service.
 */
export function tokenManagerService(instance: InstanceInfo, services: TokenManagerServices): ServiceDefinition<typeof TokenManagerService> {
  const { storedTokens, accessTokens, history, registry, issuers } = services;
  const infos = async (userId: string) => ({ tokens: (await storedTokens.ofUser(userId)).map(tokenInfo) });
  const definition = defineService(TokenManagerService, {
    getToken: {
      allow: mayGetToken(registry),
      async handle(request, context) {
        const minLifetimeMs = request.minLifetime ? Number(request.minLifetime.seconds) * 1000 + Math.floor(request.minLifetime.nanos / 1e6) : 0;
        if (minLifetimeMs < 0) throw new InvalidArgumentError('min_lifetime must not be negative');
        const token = await accessTokens.get(
          { userId: request.userId, group: request.group, provider: request.provider, scopes: request.scopes, audience: request.audience, minLifetimeMs, skipCache: request.skipCache },
          () => requestContext(context),
        );
        return {
          accessToken: token.accessToken,
          tokenType: token.tokenType,
          expiresAt: timestampFromDate(token.expiresAt),
          scopes: [...token.scopes],
          audience: token.audience,
          provider: token.provider,
          issuer: issuers.get(token.provider) ?? '',
          group: token.group,
          cached: token.cached,
        };
      },
    },
    updateToken: {
      allow: anyOf(tokenIssuer, selfUser),
      async handle(request, context) {
        const caller = callerOf(context);
        const set = request.tokenSet;
        const outcome = await storedTokens.update(
          {
            userId: targetUser(request, caller),
            provider: request.provider,
            subject: request.subject,
            clientId: request.clientId,
            secrets: { accessToken: set?.accessToken ?? '', refreshToken: set?.refreshToken ?? '' },
            tokenType: set?.tokenType ?? '',
            scopes: set?.scopes ?? [],
            issuedAt: set?.issuedAt ? timestampDate(set.issuedAt) : undefined,
            expiresAt: set?.expiresAt ? timestampDate(set.expiresAt) : undefined,
            refreshExpiresAt: set?.refreshExpiresAt ? timestampDate(set.refreshExpiresAt) : undefined,
            claims: request.idTokenClaims as { iss?: unknown; sub?: unknown } | undefined,
            defaultRefreshLifetimeMs: request.defaultRefreshLifetime ? Number(request.defaultRefreshLifetime.seconds) * 1000 : undefined,
            etag: request.etag,
          },
          requestContext(context),
        );
        return { token: tokenInfo(outcome.token), supersededCount: outcome.supersededCount, keptStored: outcome.keptStored };
      },
    },
    deleteToken: {
      allow: anyOf(proxyManagement, selfUser, tokenIssuer),
      async handle(request, context) {
        const done = await storedTokens.delete(
          { userId: request.userId, provider: request.provider, revokeUpstream: request.revokeUpstream, reason: request.reason },
          requestContext(context),
        );
        return { deletedCount: done.deleted, revocationsQueued: done.revocationsQueued };
      },
    },
    getTokensByUserId: {
      allow: proxyManagement,
      handle: (request) => {
        if (request.userId === '') throw new InvalidArgumentError('user_id is required');
        return infos(request.userId);
      },
    },
    getUserTokensInfo: {
      allow: anyOf(selfUser, proxyManagement),
      handle: (request, context) => infos(targetUser(request, callerOf(context))),
    },
    getUsersTokensInfo: {
      allow: proxyManagement,
      async handle(request) {
        const limit = pageSize(request.pageSize);
        const filter = { userIds: [...request.userIds].sort() };
        const after = decodePageToken(request.pageToken, filter, isTokenKey);
        const page = await storedTokens.page(filter.userIds, after, limit + 1);
        const shown = page.slice(0, limit);
        const last = shown.at(-1);
        return { tokens: shown.map(tokenInfo), nextPageToken: page.length > limit && last ? encodePageToken({ userId: last.userId, provider: last.provider }, filter) : '' };
      },
    },
    listTokenHistory: {
      // A user lists their own history; everyone's, or another user's, needs ProxyManagement.
      allow: anyOf<{ userId: string }>((caller, request) => (caller.kind === 'user' && request.userId === caller.id ? undefined : `${caller.id} may list only their own history`), proxyManagement),
      async handle(request) {
        const limit = pageSize(request.pageSize);
        const actions = request.actions.map((a) => historyActionOf(a) ?? invalidAction(a));
        const filter = {
          ...(request.userId ? { userId: request.userId } : {}),
          ...(request.provider ? { provider: request.provider } : {}),
          ...(actions.length > 0 ? { actions } : {}),
          ...(request.startTime ? { from: timestampDate(request.startTime) } : {}),
          ...(request.endTime ? { until: timestampDate(request.endTime) } : {}),
        };
        const key = decodePageToken(request.pageToken, filter, isEventKey);
        const events = await history.list(filter, key ? { occurredAt: new Date(key.at), eventId: key.id } : undefined, limit + 1);
        const shown = events.slice(0, limit);
        const last = shown.at(-1);
        return { events: shown.map(historyEvent), nextPageToken: events.length > limit && last ? encodePageToken({ at: last.occurredAt.getTime(), id: last.eventId }, filter) : '' };
      },
    },
    auditTokens: notImplemented(proxyManagement, 'AuditTokens'),
    ping: { allow: anyCaller, handle: () => pingAnswer(TokenManagerService, instance) },
    echo: { allow: anyCaller, handle: (request) => ({ message: request.message }) },
    whoami: { allow: anyCaller, handle: (_request, context: HandlerContext) => whoami(callerOf(context), registry) },
  });
  return withTokenErrorDetails(definition, ['getToken', 'updateToken', 'deleteToken', 'getTokensByUserId', 'getUserTokensInfo', 'getUsersTokensInfo', 'listTokenHistory']);
}

/** Every failure of a token method's handler carries a TokenErrorDetail (the contract's rule). */
function withTokenErrorDetails<S extends DescService>(definition: ServiceDefinition<S>, methods: readonly (keyof ServiceSpec<S>)[]): ServiceDefinition<S> {
  const spec = { ...definition.spec };
  for (const name of methods) {
    const method = spec[name] as { allow: unknown; handle: (request: unknown, context: HandlerContext) => unknown };
    spec[name] = {
      ...method,
      handle: async (request: unknown, context: HandlerContext) => {
        try {
          return await method.handle(request, context);
        } catch (error) {
          const about = request as { userId?: unknown; provider?: unknown };
          throw withTokenErrorDetail(error, { userId: typeof about.userId === 'string' ? about.userId : '', provider: typeof about.provider === 'string' ? about.provider : '' });
        }
      },
    } as ServiceSpec<S>[typeof name];
  }
  return { service: definition.service, spec };
}

function invalidAction(value: number): never {
  throw new InvalidArgumentError(`actions: ${value} is not a history action`);
}

function whoami(caller: Caller, registry: RegistryConfig) {
  const service = caller.kind === 'service' ? caller : caller.via;
  return {
    kind: caller.kind === 'service' ? tokenmanagerV1.CallerKind.SERVICE : tokenmanagerV1.CallerKind.USER,
    subject: caller.id,
    uriSans: [...(service?.uris ?? [])],
    dnsSans: [...(service?.dnsNames ?? [])],
    properties: [...caller.properties].sort(),
    ...(service ? { certificateExpiresAt: timestampFromDate(service.certificateNotAfter), certificateFingerprint: service.certificateFingerprint } : {}),
    ...(caller.kind === 'user'
      ? { group: caller.group, groups: [...(registry.users[caller.id]?.groups ?? [])].sort(), forwardedBy: caller.via?.id ?? '', tokenExpiresAt: timestampFromDate(caller.expiresAt) }
      : {}),
  };
}
