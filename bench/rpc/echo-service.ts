import { TokenManagerService } from '@tessera/contracts';
import { anyCaller, defineService, notImplemented, type ServiceDefinition } from '@tessera/rpc';

/** TokenManagerService with only Echo, so the benchmark measures the RPC plane and nothing else. */
export function echoOnlyService(): ServiceDefinition<typeof TokenManagerService> {
  const none = (name: string) => notImplemented(anyCaller, name);
  return defineService(TokenManagerService, {
    getToken: none('GetToken'),
    updateToken: none('UpdateToken'),
    deleteToken: none('DeleteToken'),
    getTokensByUserId: none('GetTokensByUserId'),
    getUserTokensInfo: none('GetUserTokensInfo'),
    getUsersTokensInfo: none('GetUsersTokensInfo'),
    listTokenHistory: none('ListTokenHistory'),
    auditTokens: none('AuditTokens'),
    ping: none('Ping'),
    whoami: none('Whoami'),
    echo: { allow: anyCaller, handle: (request) => ({ message: request.message }) },
  });
}
