import type { SchemaRegistry } from '../standard/registry.js';
import { validateEnvelope } from '../standard/validate.js';
import type { EnvelopeCheck } from './accept-batch.js';

/** The envelope facts intake needs, from the standard's envelope validation. */
export function checkEnvelope(registry: SchemaRegistry, doc: Record<string, unknown>): EnvelopeCheck {
  const env = validateEnvelope(registry, doc);
  const acceptance = doc.acceptance === 'all-or-nothing' ? 'all-or-nothing' : 'partial';
  return {
    schemaVersion: env.schemaVersion,
    reportingCountry: env.reportingCountry ?? String(doc.reportingCountry ?? ''),
    period: env.period ?? String(doc.period ?? ''),
    acceptance,
    submissionRef: typeof doc.submissionRef === 'string' ? doc.submissionRef : null,
    source: doc.source ?? null,
    recordCount: env.records?.length ?? 0,
    issues: env.issues,
  };
}
