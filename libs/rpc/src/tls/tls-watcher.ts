import { X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { ConfigError, type TlsFiles } from '@tessera/config';
import type { Logger } from 'pino';
import { assertUsable, readTlsMaterial, sameMaterial, TlsMaterialError, type TlsMaterial } from './tls-material.js';

export interface TlsWatcherOptions {
  /** How often the files are read again. cert-manager swaps files through a symlink, which file
   * events report unreliably, so the files are polled. */
  intervalMs?: number;
  logger?: Logger;
  /** Where the files are set in the configuration (e.g. `apps.tokenmanager.tls`), so that unusable
   * files at start-up are a ConfigError naming the key. */
  configPath?: string;
}

/**
 * Holds the current TLS material of one identity and emits `change` when the files on disk hold
 * new, usable material: every file parses, the key is the certificate's, and the certificate is
 * valid now. A half-written, mismatched, expired or not-yet-valid pair is logged and ignored: the
 * old material stays in force until a usable one appears.
 *
 * grpc-js's own `experimental.FileWatcherCertificateProvider` is not used: it swaps in whatever
 * the files hold, so a mismatched pair or a certificate not yet valid would break every new
 * connection; and the servers here own their TLS listener anyway, to resolve each connection's
 * caller once (see grpc-server.ts).
 */
export class TlsWatcher extends EventEmitter<{ change: [TlsMaterial] }> {
  #current: TlsMaterial;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly files: TlsFiles,
    private readonly options: TlsWatcherOptions = {},
  ) {
    super();
    try {
      this.#current = readTlsMaterial(files);
      assertUsable(this.#current);
    } catch (error) {
      if (!(error instanceof TlsMaterialError)) throw error;
      const at = options.configPath ?? 'tls';
      throw new ConfigError([{ path: `${at}.${error.file}`, message: `${files[error.file]} ${error.message}` }]);
    }
  }

  get current(): TlsMaterial {
    return this.#current;
  }

  /** When the certificate in use expires: what an operator's alert should watch. */
  get notAfter(): Date {
    return new Date(new X509Certificate(this.#current.cert).validTo);
  }

  start(): this {
    if (!this.#timer) {
      this.#timer = setInterval(() => this.check(), this.options.intervalMs ?? 30_000);
      this.#timer.unref();
    }
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reads the files now; returns true when new material took effect. */
  check(): boolean {
    let next: TlsMaterial;
    try {
      next = readTlsMaterial(this.files);
      if (sameMaterial(next, this.#current)) return false;
      assertUsable(next);
    } catch (error) {
      const reason = error instanceof TlsMaterialError ? `${this.files[error.file]} ${error.message}` : (error as Error).message;
      this.options.logger?.warn({ files: this.files, reason }, 'TLS files unusable; keeping the loaded certificate');
      return false;
    }
    this.#current = next;
    this.options.logger?.info({ files: this.files }, 'TLS certificate reloaded');
    this.emit('change', next);
    return true;
  }
}
