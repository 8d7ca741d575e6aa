import { AuthService } from '@tessera/contracts';
import { defineService, notImplemented, userCaller, type ServiceDefinition } from '@tessera/rpc';

/**
 * The CLI's Connect API. Callers are users presenting a Tessera access token (bearer); each
 * method states its rule like every other RPC, and goes through the same edge (caller, rule,
 * log, metric, error mapping). The methods come with the CLI login.
 */
export function authService(): ServiceDefinition<typeof AuthService> {
  return defineService(AuthService, {
    whoami: notImplemented(userCaller, 'Whoami'),
    listSessions: notImplemented(userCaller, 'ListSessions'),
    revokeSession: notImplemented(userCaller, 'RevokeSession'),
    getMyTokensInfo: notImplemented(userCaller, 'GetMyTokensInfo'),
  });
}
