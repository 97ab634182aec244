/** Validates mapped records with the hub's own validator, as a batch of one member state and month. */
import { loadRegistry } from '../../../src/standard/registry.js';
import { validateDocument, type ValidationReport } from '../../../src/standard/validate.js';

let registry: ReturnType<typeof loadRegistry> | undefined;

export function validateMapped(
  reportingCountry: string,
  period: string,
  records: unknown[],
): ValidationReport {
  registry ??= loadRegistry();
  return validateDocument(
    registry,
    {
      schemaVersion: '1.0.0',
      reportingCountry,
      period,
      source: { system: 'rmdx-connector-test', version: '1' },
      records,
    },
    // The fixtures are March 2026 returns; "now" is when the Secretariat receives them.
    { now: new Date('2026-04-15T00:00:00Z') },
  );
}

/** The issues of a report, short enough to read in a failed assertion. */
export function issueLines(report: ValidationReport): string[] {
  return report.issues.map((i) => `${i.recordIndex} ${i.path} ${i.code} ${i.message}`);
}
