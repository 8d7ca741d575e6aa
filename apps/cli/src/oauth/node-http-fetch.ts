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
 * openid-client's requests over node:http(s) instead of the global fetch. Node 20's fetch (its
 * bundled undici) costs about 200 ms of CPU on its first request in a process, loading undici and
 * compiling its HTTP parser: more than the rest of a `tessera token` that refreshes (node:http
 * costs about 25 ms). It keeps fetch's contract as openid-client relies on it: a standard
 * Response (redirects are returned, not followed: openid-client asks for 'manual'), rejection
 * with the signal's reason when it aborts (openid-client recognises its timeout by that), and
 * TypeError('fetch failed', { cause }) when the request fails.
 */
export function nodeHttpFetch(url: string, options: FetchOptions): Promise<Response> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
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
      collect(response).then(
        (body) => {
          settle();
          resolve(toResponse(response, body, options.method));
        },
        (error: unknown) => {
          settle();
          reject(new TypeError('fetch failed', { cause: error }));
        },
      );
    });
    request.end(requestBody(options.body));
  });
}

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
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toResponse(response: IncomingMessage, body: Buffer, method: string): Response {
  const headers = new Headers();
  for (let i = 0; i < response.rawHeaders.length; i += 2) headers.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
  const status = response.statusCode ?? 502;
  const withoutBody = method === 'HEAD' || status === 204 || status === 205 || status === 304;
  return new Response(withoutBody ? null : body, { status, statusText: response.statusMessage, headers });
}
