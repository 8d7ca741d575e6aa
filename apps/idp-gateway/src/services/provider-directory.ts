import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { idpgatewayV1 } from '@tessera/contracts';
import { IdpError, IdpErrorKind } from '../idp/idp-error.js';
import type { IdpConnection } from '../idp/idp-connection.js';

const TYPE = { generic: idpgatewayV1.ProviderType.GENERIC, iam: idpgatewayV1.ProviderType.IAM, checkin: idpgatewayV1.ProviderType.CHECKIN };
const BREAKER = {
  closed: idpgatewayV1.BreakerState.CLOSED,
  open: idpgatewayV1.BreakerState.OPEN,
  'half-open': idpgatewayV1.BreakerState.HALF_OPEN,
};
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** The configured IdPs by registry name. */
export class ProviderDirectory {
  constructor(private readonly connections: ReadonlyMap<string, IdpConnection>) {}

  get(name: string): IdpConnection {
    const connection = this.connections.get(name);
    if (!connection) {
      throw new IdpError({
        kind: IdpErrorKind.UNKNOWN_PROVIDER,
        provider: name,
        message: `no identity provider named ${JSON.stringify(name)} (configured: ${[...this.connections.keys()].join(', ') || 'none'})`,
      });
    }
    return connection;
  }

  /** Every IdP with its health. Capabilities come from discovery, which is attempted but waited
   * for at most `waitMs`: an IdP that is down must not slow the list; its failure shows in its
   * health instead, and capabilities are reported once it has been discovered. */
  async list(waitMs = 1000): Promise<MessageInitShape<typeof idpgatewayV1.ProviderSchema>[]> {
    return Promise.all(
      [...this.connections.values()].map(async (c) => {
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, waitMs, undefined)));
        const metadata = await Promise.race([c.metadata().catch(() => undefined), gaveUp]);
        clearTimeout(timer);
        const grants = metadata?.grant_types_supported ?? [];
        const b = c.breaker;
        return {
          name: c.name,
          displayName: c.config.displayName ?? c.name,
          issuer: c.config.issuer,
          type: TYPE[c.config.type],
          scopes: c.config.scopes,
          clientId: c.config.clientId,
          supportsTokenExchange: grants.includes(TOKEN_EXCHANGE_GRANT),
          supportsRevocation: metadata?.revocation_endpoint !== undefined,
          supportsClientCredentials: grants.includes('client_credentials'),
          health: {
            breakerState: BREAKER[b.state],
            consecutiveFailures: b.consecutiveFailures,
            lastFailure: b.lastFailure ?? '',
            ...(b.lastSuccessAt ? { lastSuccessAt: timestampFromDate(b.lastSuccessAt) } : {}),
            ...(b.lastFailureAt ? { lastFailureAt: timestampFromDate(b.lastFailureAt) } : {}),
            ...(c.discoveredAt ? { discoveryFetchedAt: timestampFromDate(c.discoveredAt) } : {}),
            ...(b.retryAt ? { retryAt: timestampFromDate(b.retryAt) } : {}),
          },
        };
      }),
    );
  }
}
