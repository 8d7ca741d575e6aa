import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen } from '@tessera/observability';
import { Provider } from 'oidc-provider';
import { AccountDirectory } from './account-directory.js';
import type { DevIdp, DevIdpLogger, DevIdpOptions } from './dev-idp-options.js';
import { registerTokenExchange } from './grants/token-exchange.js';
import { createInteractionHandler, interactionUid } from './interactions/interaction-handler.js';
import { watchProviderEvents } from './provider-events.js';
import { providerConfiguration } from './provider-configuration.js';
import { generateSigningKey } from './signing-key.js';

export type { DevIdp, DevIdpAccount, DevIdpClient, DevIdpOptions } from './dev-idp-options.js';

const silent: DevIdpLogger = { info: () => {}, warn: () => {} };

/**
 * Builds a dev-idp without listening, so tests and the dev stack can embed `handler` or start
 * it on a port chosen beforehand (the issuer, and so the port, is fixed before the first token).
 */
export async function buildDevIdp(options: DevIdpOptions): Promise<DevIdp> {
  const logger = options.logger ?? silent;
  const accounts = new AccountDirectory(options.accounts);
  const provider = new Provider(options.issuer, providerConfiguration(options, accounts, await generateSigningKey()));
  // Before the first request: static clients naming the grant are validated lazily against it.
  registerTokenExchange(provider);
  watchProviderEvents(provider, logger);
  const providerHandler = provider.callback();
  const interactionHandler = createInteractionHandler(provider, accounts, logger);

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const uid = interactionUid(req);
    void (uid === undefined ? providerHandler(req, res) : interactionHandler(req, res, uid));
  };

  let server: Server | undefined;

  return {
    issuer: options.issuer,
    handler,
    async listen(port, host = '127.0.0.1') {
      if (server !== undefined) throw new Error('dev-idp is already listening');
      const listening = createServer(handler);
      server = listening;
      const bound = await listen(listening, host, port);
      logger.info({ issuer: options.issuer, host, port: bound }, 'dev-idp listening');
      return { port: bound };
    },
    async close() {
      const closing = server;
      server = undefined;
      if (closing === undefined) return;
      await new Promise<void>((resolve, reject) => {
        closing.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from fetch would otherwise hold close() open until they time out.
        closing.closeAllConnections();
      });
    },
  };
}
