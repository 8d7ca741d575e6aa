import { create, fromBinary, toBinary, type DescMessage, type DescMethod, type DescService } from '@bufbuild/protobuf';
import type { ConnectError, ContextValues, ServiceImpl } from '@connectrpc/connect';
import { setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { status as Status } from '@grpc/grpc-js';
import type {
  Metadata,
  sendUnaryData,
  ServerErrorResponse,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition as GrpcServiceDefinition,
  status,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { InvalidArgumentError, toConnectError } from '../errors.js';
import { GrpcCallContext } from './grpc-call-context.js';

/** A request that failed to decode; the handler answers INVALID_ARGUMENT instead of the runtime
 * answering INTERNAL, because a malformed message is the caller's fault. */
class MalformedRequest {
  constructor(readonly reason: string) {}
}

type GrpcCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;
export type ContextValuesFactory = (call: GrpcCall) => ContextValues;

type Unary = (request: unknown, context: GrpcCallContext) => Promise<unknown>;
type ServerStreaming = (request: unknown, context: GrpcCallContext) => AsyncIterable<unknown>;

/**
 * Serves a Connect `ServiceImpl` on a grpc-js server: protobuf-es descriptors become a grpc-js
 * service definition, each call gets a HandlerContext (deadline, cancellation, every request
 * header, response headers and trailers, the connection's peer), and ConnectError codes — which
 * are the gRPC status codes — go back as statuses with their typed details. Unary and
 * server-streaming methods (health's Watch) are supported; each call is answered exactly once.
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
    if (method.methodKind !== 'unary' && method.methodKind !== 'server_streaming') throw new Error(`${service.typeName}.${method.name}: ${method.methodKind} is not supported`);
    const streaming = method.methodKind === 'server_streaming';
    definition[method.name] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: false,
      responseStream: streaming,
      originalName: method.localName,
      requestSerialize: (message: Parameters<typeof toBinary>[1]) => Buffer.from(toBinary(method.input, message)),
      requestDeserialize: (bytes: Buffer) => decode(method.input, bytes),
      responseSerialize: (message: Parameters<typeof toBinary>[1]) => Buffer.from(toBinary(method.output, message)),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
    };
    const fn = (impl as Record<string, unknown>)[method.localName];
    const context = (call: GrpcCall) => new GrpcCallContext(service, method as DescMethod, call, contextValues(call), shutdownSignal);
    handlers[method.name] = streaming
      ? (call: ServerWritableStream<unknown, unknown>) => void serveStream(method as DescMethod, fn as ServerStreaming, call, context(call)).catch(ignore)
      : (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
          void serveUnary(method as DescMethod, fn as Unary, call, callback, context(call)).catch(ignore);
  }
  return { definition, handlers };
}

async function serveUnary(method: DescMethod, unary: Unary, call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>, context: GrpcCallContext): Promise<void> {
  let answered = false;
  const answer: sendUnaryData<unknown> = (...args) => {
    if (answered) return;
    answered = true;
    callback(...args);
  };
  try {
    let response: unknown;
    let failure: ConnectError | undefined;
    try {
      if (call.request instanceof MalformedRequest) throw new InvalidArgumentError(call.request.reason);
      response = create(method.output, (await unary(call.request, context)) as never);
    } catch (error) {
      failure = toConnectError(error);
    } finally {
      context.finish();
    }
    context.sendResponseHeader();
    if (failure) answer(toStatus(failure, context.trailer(failure)));
    else answer(null, response, context.trailer());
  } catch {
    // Answering itself failed (a response that does not encode, say): the call still ends, once.
    answer({ code: Status.INTERNAL, details: 'internal error' });
  }
}

async function serveStream(method: DescMethod, stream: ServerStreaming, call: ServerWritableStream<unknown, unknown>, context: GrpcCallContext): Promise<void> {
  let headerSent = false;
  try {
    if (call.request instanceof MalformedRequest) throw new InvalidArgumentError(call.request.reason);
    for await (const message of stream(call.request, context)) {
      if (!headerSent) context.sendResponseHeader();
      headerSent = true;
      if (call.cancelled) break;
      call.write(create(method.output, message as never));
    }
    if (!headerSent) context.sendResponseHeader();
    call.end(context.trailer());
  } catch (error) {
    const failure = toConnectError(error);
    try {
      if (!headerSent) context.sendResponseHeader();
      call.emit('error', toStatus(failure, context.trailer(failure)));
    } catch {
      call.emit('error', { code: Status.INTERNAL, details: 'internal error' });
    }
  } finally {
    context.finish();
  }
}

/** Both serve functions answer every failure themselves; nothing may escape as an unhandled rejection. */
const ignore = () => undefined;

function decode(schema: DescMessage, bytes: Buffer): unknown {
  try {
    return fromBinary(schema, bytes);
  } catch (error) {
    return new MalformedRequest(`malformed ${schema.typeName} message: ${(error as Error).message}`);
  }
}

const STATUS_DETAILS = 'grpc-status-details-bin';

function toStatus(error: ConnectError, metadata: Metadata): Partial<ServerErrorResponse> {
  // Typed details travel as a google.rpc.Status in grpc-status-details-bin, encoded by connect
  // itself so that connect, grpc-go and grpc-java clients all read them.
  if (error.details.length > 0) {
    const encoded = setTrailerStatus(new Headers(), error).get(STATUS_DETAILS);
    if (encoded) metadata.set(STATUS_DETAILS, Buffer.from(encoded, 'base64'));
  }
  return { code: error.code as number as status, details: error.rawMessage, metadata };
}
