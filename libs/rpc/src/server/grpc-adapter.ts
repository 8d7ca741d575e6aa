import { create, fromBinary, toBinary, type DescMessage, type DescMethod, type DescService } from '@bufbuild/protobuf';
import {
  ConnectError,
  createContextValues,
  createHandlerContext,
  type ContextValues,
  type ServiceImpl,
} from '@connectrpc/connect';
import {
  Metadata,
  status,
  type sendUnaryData,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type ServiceDefinition as GrpcServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { InvalidArgumentError, toConnectError } from '../errors.js';

/** A request that failed to decode; the handler answers INVALID_ARGUMENT instead of the runtime
 * answering INTERNAL, because a malformed message is the caller's fault. */
class MalformedRequest {
  constructor(readonly reason: string) {}
}

export type ContextValuesFactory = (call: ServerUnaryCall<unknown, unknown>) => ContextValues;

/**
 * Serves a Connect `ServiceImpl` on a grpc-js server: protobuf-es descriptors become a grpc-js
 * service definition, each call gets a Connect HandlerContext (deadline, cancellation, headers,
 * caller), and ConnectError codes — which are the gRPC status codes — go back as statuses.
 */
export function toGrpcService<S extends DescService>(
  service: S,
  impl: ServiceImpl<S>,
  contextValues: ContextValuesFactory,
  shutdownSignal: AbortSignal,
): { definition: GrpcServiceDefinition; handlers: UntypedServiceImplementation } {
  const definition: Record<string, GrpcServiceDefinition[string]> = {};
  const handlers: UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const path = `/${service.typeName}/${method.name}`;
    definition[method.name] = {
      path,
      requestStream: false,
      responseStream: false,
      originalName: method.localName,
      requestSerialize: (message: Parameters<typeof toBinary>[1]) => Buffer.from(toBinary(method.input, message)),
      requestDeserialize: (bytes: Buffer) => decode(method.input, bytes),
      responseSerialize: (message: Parameters<typeof toBinary>[1]) => Buffer.from(toBinary(method.output, message)),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
    };
    const unary = (impl as Record<string, (req: unknown, ctx: unknown) => Promise<unknown>>)[method.localName]!;
    handlers[method.name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const abort = new AbortController();
      call.once('cancelled', () => abort.abort(new ConnectError('cancelled by the client', 1)));
      const context = createHandlerContext({
        service,
        method: method as DescMethod,
        protocolName: 'grpc',
        requestMethod: 'POST',
        url: path,
        timeoutMs: timeoutOf(call),
        shutdownSignal,
        requestSignal: abort.signal,
        requestHeader: headersOf(call.metadata),
        contextValues: contextValues(call),
      });
      const run = async () => {
        if (call.request instanceof MalformedRequest) throw new InvalidArgumentError(call.request.reason);
        return create(method.output, (await unary(call.request, context)) as never);
      };
      run()
        .then(
          (response) => callback(null, response),
          (error: unknown) => callback(toStatus(toConnectError(error))),
        )
        .catch((error: unknown) => callback({ code: status.INTERNAL, details: 'internal error', metadata: new Metadata(), name: 'Error', message: String(error) }))
        // As connect's own router does: aborting the finished call's context stops its deadline
        // timer and unlinks it from the shutdown signal, which would otherwise keep a listener per call.
        .finally(() => context.abort());
    };
  }
  return { definition, handlers };
}

function decode(schema: DescMessage, bytes: Buffer): unknown {
  try {
    return fromBinary(schema, bytes);
  } catch (error) {
    return new MalformedRequest(`malformed ${schema.typeName} message: ${(error as Error).message}`);
  }
}

function timeoutOf(call: ServerUnaryCall<unknown, unknown>): number | undefined {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function headersOf(metadata: Metadata): Headers {
  const headers = new Headers();
  for (const [key, values] of Object.entries(metadata.getMap())) {
    if (!key.endsWith('-bin')) headers.append(key, String(values));
  }
  return headers;
}

const STATUS_DETAILS = 'grpc-status-details-bin';
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'te', 'trailer', 'user-agent', 'accept-encoding']);

function toStatus(error: ConnectError): Partial<ServerErrorResponse> {
  const metadata = new Metadata();
  // Only the error's own application metadata: protocol headers are grpc-js's to write, and a
  // binary header needs a Buffer value.
  error.metadata.forEach((value, key) => {
    if (!key.startsWith('grpc-') && !key.endsWith('-bin') && !TRANSPORT_HEADERS.has(key)) metadata.add(key, value);
  });
  // Typed details travel as a google.rpc.Status in grpc-status-details-bin, encoded by connect
  // itself so that connect, grpc-go and grpc-java clients all read them.
  if (error.details.length > 0) {
    const encoded = setTrailerStatus(new Headers(), error).get(STATUS_DETAILS);
    if (encoded) metadata.set(STATUS_DETAILS, Buffer.from(encoded, 'base64'));
  }
  return { code: error.code as number as status, details: error.rawMessage, metadata };
}

export { createContextValues };
