import type { SchemaRegistry } from '../standard/registry.js';
import { validateEnvelope } from '../standard/validate.js';
import type { EnvelopeCheck } from './accept-batch.js';

/**
 * A member that failed the envelope schema, as text for the messages that name it. Any JSON value
 * may arrive here: String() throws on an object such as {"toString": false}, JSON.stringify does not.
 */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The envelope facts intake needs, from the standard's envelope validation. */
export function checkEnvelope(registry: SchemaRegistry, doc: Record<string, unknown>): EnvelopeCheck {
  const env = validateEnvelope(registry, doc);
  const acceptance = doc.acceptance === 'all-or-nothing' ? 'all-or-nothing' : 'partial';
  return {
    schemaVersion: env.schemaVersion,
    reportingCountry: env.reportingCountry ?? asText(doc.reportingCountry),
    period: env.period ?? asText(doc.period),
    acceptance,
    submissionRef: typeof doc.submissionRef === 'string' ? doc.submissionRef : null,
    source: doc.source ?? null,
    recordCount: env.records?.length ?? 0,
    issues: env.issues,
  };
}
