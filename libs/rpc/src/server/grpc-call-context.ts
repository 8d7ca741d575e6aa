import type { DescMethod, DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, decodeBinaryHeader, encodeBinaryHeader, type ContextValues, type HandlerContext } from '@connectrpc/connect';
import { Metadata, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';

const MAX_TIMER_MS = 2 ** 31 - 1;

type GrpcCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/** Headers that belong to the protocol (grpc-js writes them) or that HTTP/2 forbids (RFC 9113
 * §8.2.2): a handler may not set them. */
const RESERVED = /^(grpc-|:)|^(content-type|content-length|date|te|trailer|user-agent|accept-encoding|transfer-encoding|connection|keep-alive|upgrade|proxy-connection|http2-settings|host)$/;

/**
 * connect's HandlerContext for one grpc-js call, built for the success path to cost next to
 * nothing: the abort signal (with its deadline timer and listeners), the request headers and the
 * response headers and trailers are made only when a handler first touches them. connect's own
 * `createHandlerContext` makes all of them for every call, and a DOMException and a ConnectError
 * when it aborts the finished call's signal; a measured quarter of a call's cost.
 */
export class GrpcCallContext implements HandlerContext {
  readonly requestMethod = 'POST';
  readonly protocolName = 'grpc';
  readonly url: string;
  readonly #call: GrpcCall;
  readonly #deadline: number | undefined;
  readonly #shutdown: AbortSignal;
  #abort: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #onCancel: (() => void) | undefined;
  #onShutdown: (() => void) | undefined;
  #requestHeader: Headers | undefined;
  #responseHeader: Headers | undefined;
  #responseTrailer: Headers | undefined;

  constructor(
    readonly service: DescService,
    readonly method: DescMethod,
    call: GrpcCall,
    readonly values: ContextValues,
    shutdown: AbortSignal,
  ) {
    this.#call = call;
    this.#shutdown = shutdown;
    this.url = `/${service.typeName}/${method.name}`;
    const deadline = call.getDeadline();
    const at = deadline instanceof Date ? deadline.getTime() : deadline;
    this.#deadline = Number.isFinite(at) ? at : undefined;
  }

  timeoutMs = (): number | undefined => (this.#deadline === undefined ? undefined : Math.max(0, this.#deadline - Date.now()));

  /** One request header's value (every value, comma-joined), read from the metadata directly:
   * cheaper than building `requestHeader` when a resolver looks at one header per call. */
  header(name: string): string | undefined {
    if (this.#requestHeader) return this.#requestHeader.get(name) ?? undefined;
    const values = this.#call.metadata.get(name);
    return values.length === 0 ? undefined : values.map((v) => (typeof v === 'string' ? v : encodeBinaryHeader(v))).join(', ');
  }

  /** Aborts when the deadline passes, the client cancels, the server shuts down, or the call ends. */
  get signal(): AbortSignal {
    if (this.#abort) return this.#abort.signal;
    const abort = (this.#abort = new AbortController());
    const stop = (reason: ConnectError) => {
      if (!abort.signal.aborted) abort.abort(reason);
      this.#release();
    };
    if (this.#call.cancelled) stop(new ConnectError('cancelled by the client', Code.Canceled));
    else if (this.#shutdown.aborted) stop(new ConnectError('the server is shutting down', Code.Unavailable));
    else {
      this.#onCancel = () => stop(new ConnectError('cancelled by the client', Code.Canceled));
      this.#call.once('cancelled', this.#onCancel);
      this.#onShutdown = () => stop(new ConnectError('the server is shutting down', Code.Unavailable));
      this.#shutdown.addEventListener('abort', this.#onShutdown, { once: true });
      const left = this.timeoutMs();
      // A timer cannot wait longer than 2^31-1 ms (about 24.8 days); a deadline beyond is none.
      if (left !== undefined && left <= MAX_TIMER_MS) this.#timer = setTimeout(() => stop(new ConnectError('the deadline has passed', Code.DeadlineExceeded)), left);
    }
    return abort.signal;
  }

  /** Every value of every header, binary (`-bin`) ones base64-encoded as connect expects. */
  get requestHeader(): Headers {
    if (this.#requestHeader) return this.#requestHeader;
    const headers = (this.#requestHeader = new Headers());
    for (const [key, values] of Object.entries(this.#call.metadata.toJSON())) {
      for (const value of values) headers.append(key, typeof value === 'string' ? value : encodeBinaryHeader(value));
    }
    return headers;
  }

  get responseHeader(): Headers {
    return (this.#responseHeader ??= new Headers());
  }

  get responseTrailer(): Headers {
    return (this.#responseTrailer ??= new Headers());
  }

  /** Sends the response headers a handler set, before the first message or the status. */
  sendResponseHeader(): void {
    if (this.#responseHeader && [...this.#responseHeader.keys()].length > 0) this.#call.sendMetadata(toMetadata(this.#responseHeader));
  }

  /** The trailers a handler set, plus those of an error it threw, as grpc-js metadata. */
  trailer(error?: ConnectError): Metadata {
    const metadata = this.#responseTrailer ? toMetadata(this.#responseTrailer) : new Metadata();
    if (error) copyInto(metadata, error.metadata);
    return metadata;
  }

  /** The call is over: a handler's signal aborts (as connect's does) and its timer and listeners go. */
  finish(): void {
    if (this.#abort && !this.#abort.signal.aborted) this.#abort.abort(new ConnectError('the call has completed', Code.Canceled));
    this.#release();
  }

  #release(): void {
    clearTimeout(this.#timer);
    if (this.#onCancel) this.#call.removeListener('cancelled', this.#onCancel);
    if (this.#onShutdown) this.#shutdown.removeEventListener('abort', this.#onShutdown);
    this.#onCancel = this.#onShutdown = this.#timer = undefined;
  }
}

function toMetadata(headers: Headers): Metadata {
  const metadata = new Metadata();
  copyInto(metadata, headers);
  return metadata;
}

/** Copies what may go on the wire; an entry grpc-js refuses (a value outside printable ASCII,
 * a malformed key) is left out rather than failing the call after its handler succeeded. */
function copyInto(metadata: Metadata, headers: Headers): void {
  headers.forEach((value, key) => {
    if (RESERVED.test(key)) return;
    // Headers joins repeated values with ", "; binary values are base64 and cannot contain one.
    for (const part of key.endsWith('-bin') ? value.split(/,\s*/) : [value]) {
      try {
        metadata.add(key, key.endsWith('-bin') ? Buffer.from(decodeBinaryHeader(part)) : part);
      } catch {
        // left out: see above
      }
    }
  });
}
