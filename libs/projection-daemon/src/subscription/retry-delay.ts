import { RetryPolicy } from '@projectionist/projections';

/** Exponential backoff with full jitter: attempt 1 waits up to initialDelayMs, doubling up to maxDelayMs. */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
