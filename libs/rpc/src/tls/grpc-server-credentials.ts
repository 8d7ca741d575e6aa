import type { SecureServerOptions } from 'node:http2';
import { ServerCredentials } from '@grpc/grpc-js';
import { MIN_TLS_VERSION, secureContextOptions } from './tls-material.js';
import type { TlsWatcher } from './tls-watcher.js';

/**
 * grpc-js server credentials that require a client certificate from our CA, allow TLS 1.3 only,
 * and follow a TlsWatcher: new material is installed with `setSecureContext` on the live server,
 * so certificates rotate without a restart and open connections are not dropped.
 */
export class ReloadingServerCredentials extends ServerCredentials {
  constructor(private readonly watcher: TlsWatcher) {
    super(
      { requestCert: true, rejectUnauthorized: true, minVersion: MIN_TLS_VERSION } as SecureServerOptions,
      secureContextOptions(watcher.current),
    );
    watcher.on('change', (material) => this.updateSecureContextOptions(secureContextOptions(material)));
  }

  override _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}
