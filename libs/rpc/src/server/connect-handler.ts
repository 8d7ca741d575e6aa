import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { Code, ConnectError, createConnectRouter, type ConnectRouter, type ContextValues } from '@connectrpc/connect';
import type { UniversalHandler, UniversalServerResponse } from '@connectrpc/connect/protocol';
import { compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from '@connectrpc/connect-node';

type NodeRequest = IncomingMessage | Http2ServerRequest;
type NodeResponse = ServerResponse | Http2ServerResponse;

export interface ConnectHandlerOptions {
  routes(router: ConnectRouter): void;
  contextValues?: (req: NodeRequest) => ContextValues;
  readMaxBytes: number;
  fallback?: (req: NodeRequest, res: NodeResponse) => void;
}

/**
 * connect-node's request handler (its `connectNodeAdapter`, which this follows line by line) with
 * one correction: connect answers a body that does not parse as protobuf with INTERNAL
 * ("parse binary: …"), and it does so before any interceptor runs. A malformed request is the
 * caller's fault, so it is answered INVALID_ARGUMENT here, for the Connect and gRPC protocols
 * alike. gRPC-Web, whose status travels inside the body, is not served: no Tessera client needs it.
 */
export function createConnectHandler(options: ConnectHandlerOptions): (req: NodeRequest, res: NodeResponse) => void {
  const router = createConnectRouter({ readMaxBytes: options.readMaxBytes, grpcWeb: false, acceptCompression: [compressionGzip] });
  options.routes(router);
  const paths = new Map<string, UniversalHandler>(router.handlers.map((h) => [h.requestPath, h]));
  return (req, res) => {
    const handler = paths.get(req.url?.split('?', 2)[0] ?? '');
    if (!handler) {
      if (options.fallback) options.fallback(req, res);
      else res.writeHead(404).end();
      return;
    }
    handler(universalRequestFromNodeRequest(req as never, res as never, undefined, options.contextValues?.(req)))
      .then(parseErrorAsInvalidArgument)
      .then((response) => universalResponseToNodeResponse(response, res as never))
      .catch((reason: unknown) => {
        // The client went away mid-response; connect-node's adapter ignores this too.
        if (ConnectError.from(reason).code !== Code.Aborted) res.destroy();
      });
  };
}

const PARSE_ERROR = /^parse binary: /;
const MESSAGE = 'malformed request message';

async function parseErrorAsInvalidArgument(response: UniversalServerResponse): Promise<UniversalServerResponse> {
  // Connect protocol, unary: the error is the JSON body of a 500, already in memory.
  if (response.status === 500 && response.body !== undefined) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    const error = safeJson(bytes);
    if (error?.code !== 'internal' || !PARSE_ERROR.test(String(error.message))) return { ...response, body: once(bytes) };
    const replaced = Buffer.from(JSON.stringify({ code: 'invalid_argument', message: MESSAGE }));
    const header = new Headers(response.header);
    header.set('content-length', String(replaced.byteLength));
    return { ...response, status: 400, header, body: once(replaced) };
  }
  // Connect protocol, streaming (health's Watch): the error is the end-of-stream message.
  if (/^application\/connect\+/.test(response.header?.get('content-type') ?? '') && response.body !== undefined) {
    return { ...response, body: rewriteEndStream(response.body as AsyncIterable<Uint8Array>) };
  }
  // gRPC: the status is in the trailers, final once the body has been read.
  if (response.trailer !== undefined && response.body !== undefined) {
    const { body, trailer } = response;
    return {
      ...response,
      body: (async function* () {
        yield* body as AsyncIterable<Uint8Array>;
        if (trailer.get('grpc-status') === String(Code.Internal) && PARSE_ERROR.test(decodeURIComponent(trailer.get('grpc-message') ?? ''))) {
          trailer.set('grpc-status', String(Code.InvalidArgument));
          trailer.set('grpc-message', encodeURIComponent(MESSAGE));
        }
      })(),
    };
  }
  return response;
}

const END_STREAM = 0x02;
const COMPRESSED = 0x01;

/** Passes a Connect stream's envelopes through as they come, rewriting the end-of-stream message
 * when it carries the parse error (an uncompressed one: connect does not compress errors it
 * writes before any message). */
async function* rewriteEndStream(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let pending = Buffer.alloc(0);
  for await (const chunk of body) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5) {
      const length = pending.readUInt32BE(1);
      if (pending.length < 5 + length) break;
      const flags = pending[0]!;
      const envelope = pending.subarray(0, 5 + length);
      pending = pending.subarray(5 + length);
      if (!(flags & END_STREAM) || flags & COMPRESSED) {
        yield envelope;
        continue;
      }
      const end = safeJson(envelope.subarray(5)) as { error?: { code?: unknown; message?: unknown } } | undefined;
      if (end?.error?.code !== 'internal' || !PARSE_ERROR.test(String(end.error.message))) {
        yield envelope;
        continue;
      }
      const replaced = Buffer.from(JSON.stringify({ ...end, error: { code: 'invalid_argument', message: MESSAGE } }));
      const header = Buffer.alloc(5);
      header[0] = flags;
      header.writeUInt32BE(replaced.length, 1);
      yield Buffer.concat([header, replaced]);
    }
  }
  if (pending.length > 0) yield pending;
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

function safeJson(bytes: Uint8Array): { code?: unknown; message?: unknown } | undefined {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as { code?: unknown; message?: unknown };
  } catch {
    return undefined;
  }
}
