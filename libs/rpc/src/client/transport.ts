import type { CallOptions, HandlerContext, Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { MIN_TLS_VERSION, type TlsMaterial } from '../tls/tls-material.js';
import type { TlsWatcher } from '../tls/tls-watcher.js';

export interface ServiceTransportOptions {
  /** "host:port" of the service. */
  address: string;
  /** The identity the server's certificate must carry as a DNS SAN (e.g. "tokenmanager"). */
  serverName: string;
  tls: TlsWatcher;
  /** gRPC over HTTP/2 (the default) or the Connect protocol over HTTP/1.1. */
  protocol?: 'grpc' | 'connect';
}

/**
 * A Connect transport to an internal service over mTLS. The client certificate follows the
 * TlsWatcher: when the files change, new calls use a fresh transport with the new certificate.
 */
export interface ServiceTransport extends Transport {
  /** Stops following certificate changes. Sessions close when idle. */
  close(): void;
}

export function createServiceTransport(options: ServiceTransportOptions): ServiceTransport {
  const make = (material: TlsMaterial): Transport => {
    const nodeOptions = {
      ca: material.ca,
      cert: material.cert,
      key: material.key,
      servername: options.serverName,
      minVersion: MIN_TLS_VERSION,
    };
    const baseUrl = `https://${options.address}`;
    return options.protocol === 'connect'
      ? createConnectTransport({ baseUrl, httpVersion: '1.1', nodeOptions })
      : createGrpcTransport({ baseUrl, nodeOptions });
  };
  let current = make(options.tls.current);
  const onChange = (material: TlsMaterial) => {
    current = make(material);
  };
  options.tls.on('change', onChange);
  return {
    unary: (...args) => current.unary(...args),
    stream: (...args) => current.stream(...args),
    close: () => options.tls.off('change', onChange),
  };
}

/** Call options that carry the caller's remaining deadline and cancellation to a downstream call. */
export function propagate(context: HandlerContext): CallOptions {
  const timeoutMs = context.timeoutMs();
  return { signal: context.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}
