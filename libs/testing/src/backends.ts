import { startAppProcess, type AppProcess } from './app-process.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { testEnv } from './test-config.js';
import type { TestPki } from './test-pki.js';

/** What an authserver stands on, each app in its own process as in production. */
export interface Backends {
  /** dev-idp, behind a fault proxy that records its requests; the proxy's URL is its issuer. */
  readonly idp: FaultProxy;
  readonly tokenmanager: AppProcess;
  /** The environment every app of the stack shares: dev-idp's issuer and the authserver's. */
  readonly env: Record<string, string>;
  /** What an authserver of this stack needs on top of `env` to reach the idp-gateway and tokenmanager. */
  readonly authserverEnv: Record<string, string>;
  stop(): Promise<void>;
}

/** dev-idp (behind its recording proxy), the idp-gateway and tokenmanager, for an authserver at `issuer`. */
export async function startBackends(pki: TestPki, issuer: string): Promise<Backends> {
  const idp = await startFaultProxy('http://127.0.0.1:1');
  const env = { TESSERA__IDPS__DEV_IDP__ISSUER: idp.url, TESSERA__APPS__AUTHSERVER__ISSUER: issuer, TESSERA__APPS__TOKENMANAGER__USERTOKENS__ISSUER: issuer };
  const devIdp = await startAppProcess('dev-idp', { ...env, TESSERA__APPS__DEVIDP__HTTP: '127.0.0.1:0', TESSERA__APPS__DEVIDP__ISSUER: idp.url }, [/^dev-idp listening$/]);
  idp.setTarget(`http://127.0.0.1:${devIdp.port(/^dev-idp listening$/)}`);
  const gateway = await startAppProcess('idp-gateway', testEnv(pki, env), [/^gRPC server listening$/]);
  const gatewayAddress = `127.0.0.1:${gateway.port(/^gRPC server listening$/)}`;
  const tokenmanager = await startAppProcess('tokenmanager', testEnv(pki, { ...env, TESSERA__APPS__TOKENMANAGER__IDPGATEWAY__ADDRESS: gatewayAddress }), [/^gRPC server listening$/]);
  return {
    idp,
    tokenmanager,
    env,
    authserverEnv: {
      TESSERA__APPS__AUTHSERVER__TOKENMANAGER__ADDRESS: `127.0.0.1:${tokenmanager.port(/^gRPC server listening$/)}`,
      TESSERA__APPS__AUTHSERVER__IDPGATEWAY__ADDRESS: gatewayAddress,
    },
    async stop() {
      await Promise.all([tokenmanager.stop(), gateway.stop(), devIdp.stop()]);
      await idp.close();
    },
  };
}
