/**
 * Schedules are cron expressions evaluated in UTC, by cron-parser — the parser BullMQ's job
 * schedulers use, so the "next run" the hub shows is the one BullMQ will fire. Five fields
 * (minute hour day month weekday) or six (with seconds first).
 */
import cronParser from 'cron-parser';

import { ConnectorError } from './errors.js';

export const scheduleTimezone = 'UTC';

/** Throws RMDX_CONN_BAD_CONFIG when the expression is not a schedule we run. */
export function checkSchedule(expr: string): void {
  const fields = expr.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) {
    throw new ConnectorError(
      'RMDX_CONN_BAD_CONFIG',
      `schedule "${expr}" must have 5 fields (minute hour day month weekday) or 6 (seconds first)`,
    );
  }
  try {
    cronParser.parseExpression(expr, { tz: scheduleTimezone }).next();
  } catch (err) {
    throw new ConnectorError(
      'RMDX_CONN_BAD_CONFIG',
      `schedule "${expr}" is not a cron expression: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** The first time the schedule fires strictly after `after`. */
export function nextRun(expr: string, after: Date): Date {
  return cronParser.parseExpression(expr, { tz: scheduleTimezone, currentDate: after }).next().toDate();
}
