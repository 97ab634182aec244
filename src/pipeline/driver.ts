import type { PipelineHandle } from '../app.js';

/** How batches get worked on: BullMQ on Redis, or in-process (inline) when there is no Redis. */
export interface PipelineDriver extends PipelineHandle {
  readonly kind: 'bullmq' | 'inline';
  /** Hands a stored batch to the workers. May fail (Redis down): the sweeper enqueues it later. */
  enqueue(batchId: string, attempt: number): Promise<void>;
  /** Starts workers (when this process runs them) and the sweeper. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Retry policy for transient failures: exponential backoff with jitter. */
export interface RetryPolicy {
  /** Attempts in all, including the first. @defaultValue 5 */
  attempts: number;
  /** First delay in ms; doubled each attempt. @defaultValue 1000 */
  baseDelayMs: number;
  /** Fraction of each delay randomised, 0..1. @defaultValue 0.5 */
  jitter: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 1000, jitter: 0.5 };

export function backoffDelay(policy: RetryPolicy, attemptsMade: number): number {
  const base = policy.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1);
  return Math.round(base * (1 - policy.jitter * Math.random()));
}
