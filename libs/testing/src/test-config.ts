import { resolve } from 'node:path';
import { loadConfig, type TesseraConfig } from '@tessera/config';
import type { TestPki } from './test-pki.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/**
 * The environment that points the dev configuration at a test PKI and free ports (port 0), with
 * logs off. Extra variables win, so a test can override any key.
 */
export function testEnv(pki: TestPki, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { TESSERA__LOG__LEVEL: 'silent', TESSERA__TLS__CAFILE: pki.files('tokenmanager').caFile };
  const apps = { TOKENMANAGER: 'tokenmanager', IDPGATEWAY: 'idp-gateway', AUTHSERVER: 'authserver' };
  for (const [key, name] of Object.entries(apps)) {
    env[`TESSERA__APPS__${key}__TLS__CERTFILE`] = pki.files(name).certFile;
    env[`TESSERA__APPS__${key}__TLS__KEYFILE`] = pki.files(name).keyFile;
    env[`TESSERA__APPS__${key}__METRICS`] = '127.0.0.1:0';
  }
  env.TESSERA__APPS__TOKENMANAGER__GRPC = '127.0.0.1:0';
  env.TESSERA__APPS__TOKENMANAGER__CONNECT = '127.0.0.1:0';
  env.TESSERA__APPS__IDPGATEWAY__GRPC = '127.0.0.1:0';
  env.TESSERA__APPS__TOKENMANAGER__HEALTH = '127.0.0.1:0';
  env.TESSERA__APPS__IDPGATEWAY__HEALTH = '127.0.0.1:0';
  env.TESSERA__APPS__AUTHSERVER__HTTP = '127.0.0.1:0';
  // Each tokenmanager a test starts has a TokenDB of its own, never the dev stack's file.
  env.TESSERA__APPS__TOKENMANAGER__DATABASE__PATH = ':memory:';
  env.TESSERA__APPS__AUTHSERVER__DATABASE__PATH = ':memory:';
  env.TESSERA__APPS__AUTHSERVER__SIGNING__KEYS = JSON.stringify({ 'dev-1': { file: `${pki.dir}/authserver-signing-dev-1.key` } });
  return { ...env, ...extra };
}

/** config/dev.yaml with the test environment applied. */
export function testConfig(pki: TestPki, extra: Record<string, string> = {}): TesseraConfig {
  return loadConfig({ file: 'config/dev.yaml', baseDir: REPO_ROOT, env: testEnv(pki, extra) });
}
