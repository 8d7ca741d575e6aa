import type { AuthService } from '@tessera/contracts';
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';

/**
 * The CLI's Connect API. Callers authenticate with a Tessera access token (bearer); token
 * verification and the methods come with the CLI login, so for now every call is refused:
 * UNAUTHENTICATED without a bearer token, UNIMPLEMENTED with one.
 */
export function authService(): ServiceImpl<typeof AuthService> {
  const refuse = (what: string) => (_request: unknown, context: HandlerContext) => {
    if (!/^Bearer \S+$/i.test(context.requestHeader.get('authorization') ?? '')) {
      throw new ConnectError('a bearer access token is required: run `tessera login` first', Code.Unauthenticated);
    }
    throw new ConnectError(`${what} is not implemented yet`, Code.Unimplemented);
  };
  return {
    whoami: refuse('Whoami'),
    listSessions: refuse('ListSessions'),
    revokeSession: refuse('RevokeSession'),
    getMyTokensInfo: refuse('GetMyTokensInfo'),
  };
}
