import { X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { assertUsable, readTlsMaterial, sameMaterial, type TlsFiles, type TlsMaterial } from './tls-material.js';

export interface TlsWatcherOptions {
  /** How often the files are read again. cert-manager swaps files through a symlink, which file
   * events report unreliably, so the files are polled. */
  intervalMs?: number;
  logger?: Logger;
}

/**
 * Holds the current TLS material of one identity and emits `change` when the files on disk hold
 * new, usable material. A half-written or mismatched pair is logged and ignored: the old material
 * stays in force until a usable one appears.
 */
export class TlsWatcher extends EventEmitter<{ change: [TlsMaterial] }> {
  #current: TlsMaterial;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly files: TlsFiles,
    private readonly options: TlsWatcherOptions = {},
  ) {
    super();
    this.#current = readTlsMaterial(files);
    assertUsable(this.#current);
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
      this.options.logger?.warn({ files: this.files, err: { message: (error as Error).message } }, 'TLS files unusable; keeping the loaded certificate');
      return false;
    }
    this.#current = next;
    this.options.logger?.info({ files: this.files }, 'TLS certificate reloaded');
    this.emit('change', next);
    return true;
  }
}
