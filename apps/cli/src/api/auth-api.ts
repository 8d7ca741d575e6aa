import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AuthService } from '@tessera/contracts';
import { CliError, RUN_LOGIN } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import type { Identity } from './identity.js';

/** What the CLI asks of the authserver's Connect API (tessera.authserver.v1.AuthService). */
export interface AuthApi {
  whoami(): Promise<Identity>;
}

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
  };
}

export function translateApiError(error: unknown, issuer: string): CliError {
  const e = ConnectError.from(error);
  switch (e.code) {
    case Code.Unauthenticated:
      return new CliError(ExitCode.notLoggedIn, `the issuer refused the access token: ${e.rawMessage}`, { cause: e, hint: RUN_LOGIN });
    case Code.PermissionDenied:
      return new CliError(ExitCode.accessDenied, `access denied: ${e.rawMessage}`, { cause: e });
    case Code.Unavailable:
    case Code.DeadlineExceeded:
      return new CliError(ExitCode.issuerUnreachable, `cannot reach the issuer ${issuer}: ${e.rawMessage}`, { cause: e });
    default:
      return new CliError(ExitCode.failure, `${Code[e.code]}: ${e.rawMessage}`, { cause: e });
  }
}
