import { UnrecoverableError } from 'bullmq';

/**
 * A failure no retry can mend (a stored body that cannot be decoded, an unknown schema version):
 * BullMQ fails the job at once instead of retrying it.
 */
export class PermanentPipelineError extends UnrecoverableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'PermanentPipelineError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

const transientPgCodes = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '08001',
  '08004', // connection exceptions
]);

/** Whether trying again later may succeed: infrastructure hiccups yes, bad data and bugs no. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof UnrecoverableError) return false;
  const e = err as { code?: string; message?: string };
  if (e?.code && transientPgCodes.has(e.code)) return true;
  if (
    e?.code &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(e.code)
  )
    return true;
  const msg = e?.message ?? '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|terminating connection/i.test(
    msg,
  );
}

export function errorSummary(err: unknown): { message: string; retryable: boolean } {
  return { message: err instanceof Error ? err.message : String(err), retryable: isRetryable(err) };
}
