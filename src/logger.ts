import { pino, type Logger, type LoggerOptions } from 'pino';

/** The fields a log line may be scoped by; child loggers carry them. */
export interface LogScope {
  batchId?: string;
  jobId?: string;
  chunk?: number;
  stage?: string;
  connectorId?: string;
  runId?: string;
}

export type { Logger };

/** Headers and fields that must never reach a log line. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'headers.authorization',
  '*.secret',
  '*.password',
  '*.apiKey',
  '*.token',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'rmdx' },
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
}

export function createLogger(level = 'info'): Logger {
  return pino(loggerOptions(level));
}

export function scoped(logger: Logger, scope: LogScope): Logger {
  return logger.child(scope);
}
