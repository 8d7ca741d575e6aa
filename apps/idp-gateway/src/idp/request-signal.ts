import { AsyncLocalStorage } from 'node:async_hooks';
import { TokenResponseCapture } from './token-response-capture.js';

/**
 * The RPC's abort signal (deadline, cancellation) for the IdP calls made on its behalf.
 * openid-client takes no per-call signal, so the fetch it is given reads it from here.
 */
export const requestSignal = new AsyncLocalStorage<AbortSignal>();

/** fetch that also stops when the current RPC's deadline passes or it is cancelled, and lets a
 * TokenResponseCapture keep a copy of the answer. */
export const fetchWithRequestSignal: typeof fetch = async (input, init) => {
  const rpc = requestSignal.getStore();
  const signals = [init?.signal, rpc].filter((s): s is AbortSignal => s != null);
  const response = await fetch(input, { ...init, signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0] });
  TokenResponseCapture.current()?.observe(response);
  return response;
};
