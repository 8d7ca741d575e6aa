import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import * as oidc from 'openid-client';
import type { TesseraConfig } from '@tessera/config';
import { createLogger } from '@tessera/observability';
import { createTestPki, freePort, startBackends, testConfig, type AppProcess, type FaultProxy, type TestPki } from '@tessera/testing';
import { buildAuthServer, type RunningAuthServer } from '../factory.js';

export interface AuthStack {
  readonly issuer: string;
  readonly pki: TestPki;
  readonly config: TesseraConfig;
  readonly authserver: RunningAuthServer;
  /** dev-idp, behind a fault proxy that records its requests. */
  readonly idp: FaultProxy;
  readonly tokenmanager: AppProcess;
  /** The authserver's JSON log lines so far. */
  logs(): Record<string, unknown>[];
  /** An openid-client configuration for one of the dev clients (http issuer allowed). */
  client(id: 'tessera-cli' | 'tessera-web'): Promise<oidc.Configuration>;
  close(): Promise<void>;
}

export const WEB_SECRET = 'dev-web-secret';

/**
 * The whole stack for the authserver's tests: dev-idp (behind a fault proxy), idp-gateway and
 * tokenmanager each in its own process, as they run in production, and the authserver in this
 * one on a port chosen first (the issuer must be known before anything starts).
 */
export async function startAuthStack(extra: Record<string, string> = {}): Promise<AuthStack> {
  const pki = await createTestPki();
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const backends = await startBackends(pki, issuer);
  const config = testConfig(pki, {
    ...backends.env,
    ...backends.authserverEnv,
    TESSERA__APPS__AUTHSERVER__HTTP: `127.0.0.1:${port}`,
    TESSERA__LOG__LEVEL: 'debug',
    ...extra,
  });
  const lines: Record<string, unknown>[] = [];
  const sink = new PassThrough();
  createInterface({ input: sink }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  const authserver = await buildAuthServer(config, { logger: createLogger({ name: 'authserver', level: 'debug', destination: sink }) }).listen();
  return {
    issuer,
    pki,
    config,
    authserver,
    idp: backends.idp,
    tokenmanager: backends.tokenmanager,
    logs: () => lines,
    async client(id) {
      const auth = id === 'tessera-web' ? oidc.ClientSecretBasic(WEB_SECRET) : oidc.None();
      return oidc.discovery(new URL(issuer), id, undefined, auth, { execute: [oidc.allowInsecureRequests], algorithm: 'oauth2' });
    },
    async close() {
      await authserver.close();
      await backends.stop();
      pki.remove();
    },
  };
}
