/** How the HTTP core waits between attempts. */
export interface RetryPolicy {
  /** Attempts per request, the first included. Defaults to 4. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles on each further attempt. Defaults to 250 ms. */
  readonly baseDelayMs: number;
  /** Upper bound of a computed backoff delay. Defaults to 10 s. */
  readonly maxDelayMs: number;
  /** Upper bound of a wait a provider asks for with `Retry-After`. Defaults to 60 s. */
  readonly maxRetryAfterMs: number;
}

/** The defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

/**
 * The delay before attempt `attempt + 1` (attempt counts from 1): exponential with "equal jitter"
 * (half fixed, half random) so that concurrent workers hitting the same 5xx do not retry in step.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Parses a `Retry-After` header (RFC 9110: delay-seconds or an HTTP-date) into milliseconds from
 * `now`; `undefined` when absent or unreadable. A date in the past means "retry now".
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** HTTP statuses that say "try again later" rather than "no": 408, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}
