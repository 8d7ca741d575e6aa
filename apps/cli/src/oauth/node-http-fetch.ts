import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FetchBody } from 'openid-client';

/** What openid-client hands its `customFetch` (oauth4webapi's CustomFetchOptions). */
interface FetchOptions {
  body: FetchBody;
  headers: Record<string, string>;
  method: string;
  redirect: 'manual';
  signal?: AbortSignal;
}

/**
 * openid-client's requests over node:http(s) instead of the global fetch. Node 20's first fetch
 * in a process costs about 200 ms of CPU (undici's HTTP client and its parser), more than the
 * rest of a `tessera token` that refreshes; node:http costs about 25 ms. (The answer is still a
 * standard Response, as openid-client requires: building one loads undici's Response and Headers,
 * about 60 ms, but not its client.) It keeps fetch's contract as openid-client relies on it:
 * redirects are returned, not followed (openid-client asks for 'manual'); an abort rejects with
 * the signal's reason (openid-client recognises its timeout by that); any other failure, an
 * answer Response cannot hold (a status outside 200–599) or one over 1 MiB included, rejects
 * with TypeError('fetch failed', { cause }).
 */
export function nodeHttpFetch(url: string, options: FetchOptions): Promise<Response> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  let body: string | Uint8Array | undefined;
  try {
    body = requestBody(options.body);
  } catch (error) {
    return Promise.reject(error);
  }
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const request = send(target, { method: options.method, headers: options.headers });
    const onAbort = () => {
      request.destroy();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);
    request.once('error', (error) => {
      settle();
      reject(new TypeError('fetch failed', { cause: error }));
    });
    request.once('response', (response) => {
      collect(response)
        .then((content) => toResponse(response, content, options.method))
        .then(
          (answer) => {
            settle();
            resolve(answer);
          },
          (error: unknown) => {
            settle();
            request.destroy();
            reject(new TypeError('fetch failed', { cause: error }));
          },
        );
    });
    request.end(body);
  });
}

/** More than any OAuth answer needs; a larger one is refused rather than held in memory. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

function requestBody(body: FetchBody): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('a streamed request body is not supported');
}

async function collect(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > MAX_RESPONSE_BYTES) throw new RangeError(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toResponse(response: IncomingMessage, body: Buffer, method: string): Response {
  const headers = new Headers();
  for (let i = 0; i < response.rawHeaders.length; i += 2) headers.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
  const status = response.statusCode ?? 502;
  const withoutBody = method === 'HEAD' || status === 204 || status === 205 || status === 304;
  return new Response(withoutBody ? null : body, { status, statusText: response.statusMessage, headers });
}
