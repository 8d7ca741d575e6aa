import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Property } from '@tessera/config';
import { TokenManagerService, tokenmanagerV1 } from '@tessera/contracts';
import {
  anyCaller,
  anyOf,
  callerOf,
  defineService,
  hasAnyProperty,
  notImplemented,
  pingAnswer,
  registeredCaller,
  serviceWithAnyProperty,
  type Caller,
  type InstanceInfo,
  type Rule,
  type ServiceDefinition,
} from '@tessera/rpc';

const proxyManagement = hasAnyProperty(Property.ProxyManagement);
const delegation = hasAnyProperty(Property.FullDelegation, Property.LimitedDelegation, Property.PrivateLimitedDelegation);
/** The authserver itself (never a user it forwards). */
const tokenIssuer = serviceWithAnyProperty(Property.TokenIssuer);
/** A user (through a forwarded token) for their own user_id. */
const selfUser: Rule<{ userId: string }> = (caller, request) =>
  caller.kind === 'user' && caller.id === request.userId ? undefined : `${caller.id} may act only on their own tokens`;

/**
 * tokenmanager's RPC surface. Each method states who may call it; the token methods answer
 * UNIMPLEMENTED until TokenDB lands, but their rules are already the ones DESIGN §4 gives.
 */
export function tokenManagerService(instance: InstanceInfo): ServiceDefinition<typeof TokenManagerService> {
  return defineService(TokenManagerService, {
    getToken: notImplemented(delegation, 'GetToken'),
    updateToken: notImplemented(anyOf(tokenIssuer, selfUser), 'UpdateToken'),
    deleteToken: notImplemented(anyOf(proxyManagement, selfUser, tokenIssuer), 'DeleteToken'),
    getTokensByUserId: notImplemented(proxyManagement, 'GetTokensByUserId'),
    getUserTokensInfo: notImplemented(registeredCaller, 'GetUserTokensInfo'),
    getUsersTokensInfo: notImplemented(proxyManagement, 'GetUsersTokensInfo'),
    listTokenHistory: notImplemented(proxyManagement, 'ListTokenHistory'),
    auditTokens: notImplemented(proxyManagement, 'AuditTokens'),
    ping: { allow: anyCaller, handle: () => pingAnswer(TokenManagerService, instance) },
    echo: {
      allow: anyCaller,
      handle: (request) => ({ message: request.message }),
    },
    whoami: { allow: anyCaller, handle: (_request, context) => whoami(callerOf(context)) },
  });
}

function whoami(caller: Caller) {
  const service = caller.kind === 'service' ? caller : caller.via;
  return {
    kind: caller.kind === 'service' ? tokenmanagerV1.CallerKind.SERVICE : tokenmanagerV1.CallerKind.USER,
    subject: caller.id,
    uriSans: [...(service?.uris ?? [])],
    dnsSans: [...(service?.dnsNames ?? [])],
    properties: [...caller.properties].sort(),
    ...(service ? { certificateExpiresAt: timestampFromDate(service.certificateNotAfter), certificateFingerprint: service.certificateFingerprint } : {}),
    ...(caller.kind === 'user'
      ? { group: caller.group, forwardedBy: caller.via?.id ?? '', tokenExpiresAt: timestampFromDate(caller.expiresAt) }
      : {}),
  };
}
