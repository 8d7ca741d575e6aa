import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethodUnary,
  type DescService,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';

export interface ClientTls {
  ca: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
}

type In<M> = M extends DescMethodUnary<infer I, infer _O> ? MessageInitShape<I> : never;
type Out<M> = M extends DescMethodUnary<infer _I, infer O> ? MessageShape<O> : never;

export interface GrpcJsClient<S extends DescService = DescService> {
  call<K extends keyof S['method'] & string>(
    method: K,
    request: In<S['method'][K]>,
    options?: { deadlineMs?: number; metadata?: Record<string, string> },
  ): Promise<Out<S['method'][K]>>;
  close(): void;
  raw: Client;
}

/**
 * A plain @grpc/grpc-js client for any service descriptor, independent of the server's code: it is
 * how an external platform service would call Tessera.
 */
export function grpcJsClient<S extends DescService>(service: S, address: string, tls: ClientTls, serverName: string): GrpcJsClient<S> {
  const definition = Object.fromEntries(
    service.methods.map((m) => [
      m.localName,
      {
        path: `/${service.typeName}/${m.name}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (msg: MessageInitShape<DescMessage>) => Buffer.from(toBinary(m.input, create(m.input, msg))),
        requestDeserialize: (b: Buffer) => fromBinary(m.input, b),
        responseSerialize: (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(m.output, msg)),
        responseDeserialize: (b: Buffer) => fromBinary(m.output, b),
      },
    ]),
  );
  const Ctor = makeGenericClientConstructor(definition, service.typeName);
  const toBuf = (v: Buffer | string | undefined) => (v === undefined ? null : Buffer.from(v));
  const creds = credentials.createSsl(toBuf(tls.ca), toBuf(tls.key), toBuf(tls.cert));
  const client = new Ctor(address, creds, {
    'grpc.ssl_target_name_override': serverName,
    'grpc.service_config_disable_resolution': 1,
  });
  return {
    raw: client,
    close: () => client.close(),
    call(method, request, options = {}) {
      const metadata = new Metadata();
      for (const [k, v] of Object.entries(options.metadata ?? {})) metadata.set(k, v);
      const fn = (client as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>)[method];
      if (!fn) throw new Error(`no method ${method} on ${service.typeName}`);
      return new Promise((resolve, reject) => {
        fn.call(
          client,
          request,
          metadata,
          { deadline: Date.now() + (options.deadlineMs ?? 5_000) },
          (error: ServiceError | null, response: Out<S['method'][typeof method]>) => (error ? reject(error) : resolve(response)),
        );
      });
    },
  };
}
