import type { CallOptions, HandlerContext, Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { MIN_TLS_VERSION, type TlsMaterial } from '../tls/tls-material.js';
import type { TlsWatcher } from '../tls/tls-watcher.js';
import { GrpcJsTransport } from './grpc-js-transport.js';
import { translateErrors, type ErrorTranslator } from './translate-errors.js';

export interface ServiceTransportOptions {
  /** "host:port" of the service. */
  address: string;
  /** The identity the server's certificate must carry as a DNS SAN (e.g. "tokenmanager"). */
  serverName: string;
  tls: TlsWatcher;
  /** gRPC over HTTP/2 with grpc-js (the default), or the Connect protocol over HTTP/1.1. */
  protocol?: 'grpc' | 'connect';
  /** Turns the called service's typed errors into this caller's domain errors. */
  translate?: ErrorTranslator;
}

/**
 * A Connect transport to an internal service over mTLS. The client certificate follows the
 * TlsWatcher: when the files change, new calls use a fresh transport with the new certificate.
 */
export interface ServiceTransport extends Transport {
  /** Stops following certificate changes and closes the connection once calls in flight end. */
  close(): void;
}

export function createServiceTransport(options: ServiceTransportOptions): ServiceTransport {
  const make = (material: TlsMaterial): Transport & { close?(): void } => {
    if (options.protocol !== 'connect') return new GrpcJsTransport(options.address, options.serverName, material);
    const nodeOptions = { ca: material.ca, cert: material.cert, key: material.key, servername: options.serverName, minVersion: MIN_TLS_VERSION };
    return createConnectTransport({ baseUrl: `https://${options.address}`, httpVersion: '1.1', nodeOptions });
  };
  let current = make(options.tls.current);
  const onChange = (material: TlsMaterial) => {
    const previous = current;
    current = make(material);
    previous.close?.();
  };
  options.tls.on('change', onChange);
  const { translate } = options;
  return {
    unary: (...args) =>
      translate ? current.unary(...args).catch((error: unknown) => Promise.reject(translateErrors(translate, error))) : current.unary(...args),
    stream: (...args) => current.stream(...args),
    close: () => {
      options.tls.off('change', onChange);
      current.close?.();
    },
  };
}

/** Call options that carry the caller's remaining deadline and cancellation to an upstream call. */
export function propagate(context: HandlerContext): CallOptions {
  const timeoutMs = context.timeoutMs();
  return { signal: context.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}
