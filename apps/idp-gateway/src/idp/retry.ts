import { IdpError, IdpErrorKind } from './idp-error.js';

export interface RetryOptions {
  /** Further attempts after the first. */
  retries: number;
  baseDelayMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs `attempt` again on retryable IdP failures, with exponential backoff and full jitter. Only
 * for calls that are safe to repeat: the caller decides that, never this function.
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const base = options.baseDelayMs ?? 100;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      // An open breaker is retryable for the caller, after retry_after; not here, right away.
      const again = error instanceof IdpError && error.retryable && error.kind !== IdpErrorKind.CIRCUIT_OPEN;
      if (!again || n >= options.retries || options.signal?.aborted) throw error;
      await sleep(Math.random() * base * 2 ** n, options.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
