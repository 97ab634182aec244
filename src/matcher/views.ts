import { codeSpecs, isDiscrepancyCode } from './codes.js';
import { mineralGroup } from './settings.js';
import type { CommentRow, ComplianceRow, DiscrepancyRow, LinkRow } from './reads.js';
import type { RunRow, RunSettings } from './runs.js';

/** How the API shows the matcher's results (and the JSON schemas of those shapes, for the routes). */

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function runView(r: RunRow) {
  return {
    id: r.id,
    status: r.status,
    period: { from: r.period_from, to: r.period_to },
    exportingCountry: r.exporting_country,
    importingCountry: r.importing_country,
    asOf: r.as_of,
    trigger: r.trigger,
    progress: {
      stage: r.progress.stage ?? null,
      stagesDone: r.progress.stagesDone ?? 0,
      stagesTotal: r.progress.stagesTotal ?? 0,
      percent: r.status === 'completed' ? 100 : (r.progress.percent ?? 0),
    },
    counts: r.counts,
    timings: r.timings,
    inputsFingerprint: r.inputs_fingerprint,
    thresholds: r.settings.thresholds,
    error: r.error,
    attempts: r.attempts,
    createdAt: iso(r.created_at),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    links: {
      self: `/v1/reconciliation/runs/${r.id}`,
      matches: `/v1/matches?runId=${r.id}`,
      discrepancies: `/v1/discrepancies?runId=${r.id}`,
    },
  };
}

const nullableNumber = { type: ['number', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
const freeObject = { type: 'object', additionalProperties: true } as const;

export const runViewSchema = {
  type: 'object',
  required: ['id', 'status', 'period', 'progress', 'links'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['queued', 'running', 'completed', 'failed'] },
    period: {
      type: 'object',
      properties: { from: { type: 'string' }, to: { type: 'string' } },
    },
    exportingCountry: nullableString,
    importingCountry: nullableString,
    asOf: { type: 'string', format: 'date' },
    trigger: { type: 'string', enum: ['api', 'batch', 'cli'] },
    progress: {
      type: 'object',
      properties: {
        stage: nullableString,
        stagesDone: { type: 'integer' },
        stagesTotal: { type: 'integer' },
        percent: { type: 'integer' },
      },
    },
    counts: {
      ...freeObject,
      description: 'Records in scope, links per stage, discrepancies per code and severity.',
    },
    timings: { ...freeObject, description: 'Milliseconds per stage.' },
    inputsFingerprint: {
      ...nullableString,
      description: 'sha256 of the inputs in scope, settings and asOf.',
    },
    thresholds: { ...freeObject, description: 'Every threshold the run used.' },
    error: { type: ['object', 'null'], additionalProperties: true },
    attempts: { type: 'integer' },
    createdAt: nullableString,
    startedAt: nullableString,
    finishedAt: nullableString,
    links: {
      type: 'object',
      properties: {
        self: { type: 'string' },
        matches: { type: 'string' },
        discrepancies: { type: 'string' },
      },
    },
  },
} as const;

/** A link's comparison: stage 2 levels with the weights of the model the run used; stage 1 the certificate. */
export function comparisonOf(l: LinkRow, settings: RunSettings | undefined) {
  if (l.stage === 1 || !l.levels) {
    return [{ field: 'certificate', level: 'exact', weight: null as number | null }];
  }
  const model = settings?.model;
  const fields = settings?.fields ?? [];
  const out: { field: string; level: string; weight: number | null }[] = [];
  l.levels.forEach((lv, idx) => {
    if (lv < 0) return;
    const field = fields[idx] ?? `field${idx}`;
    const table = model
      ? field === 'date'
        ? model.date[mineralGroup(l.mineral)]
        : (model as unknown as Record<string, { level: string; weight: number }[]>)[field]
      : undefined;
    const spec = table?.[lv];
    out.push({ field, level: spec?.level ?? String(lv), weight: spec?.weight ?? null });
  });
  return out;
}

export function linkView(l: LinkRow, settings?: RunSettings) {
  return {
    runId: l.run_id,
    decision: l.decision,
    stage: l.stage,
    pass: l.pass,
    exportingCountry: l.exporting_country,
    exportId: l.export_id,
    importingCountry: l.importing_country,
    importId: l.import_id,
    mineral: l.mineral,
    period: l.period,
    importPeriod: l.import_period,
    certificate: l.certificate_key,
    groupSize: l.group_size,
    score: l.score === null ? null : Math.round(l.score * 1000) / 1000,
    comparison: comparisonOf(l, settings),
    codes: l.codes,
    severity: l.severity,
    figures: {
      exportKg: l.export_kg,
      importKg: l.import_kg,
      groupImportKg: l.group_import_kg,
      exportValueUsdFob: l.export_value_usd,
      importValueUsdCif: l.import_value_usd,
      groupImportValueUsdFob: l.group_import_value_fob,
      qtyDiff: l.qty_diff,
      valueDiff: l.value_diff,
      valueRatio: l.value_ratio,
      dayGap: l.day_gap,
      unitFactor: l.unit_factor,
    },
  };
}

export const linkViewSchema = {
  type: 'object',
  properties: {
    runId: { type: 'string' },
    decision: { type: 'string', enum: ['link', 'review'] },
    stage: { type: 'integer' },
    pass: { type: 'string' },
    exportingCountry: { type: 'string' },
    exportId: { type: 'string' },
    importingCountry: { type: 'string' },
    importId: { type: 'string' },
    mineral: nullableString,
    period: { type: 'string' },
    importPeriod: nullableString,
    certificate: nullableString,
    groupSize: { type: 'integer' },
    score: nullableNumber,
    comparison: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, level: { type: 'string' }, weight: nullableNumber },
      },
    },
    codes: { type: 'array', items: { type: 'string' } },
    severity: { type: 'string' },
    figures: {
      type: 'object',
      properties: Object.fromEntries(
        [
          'exportKg',
          'importKg',
          'groupImportKg',
          'exportValueUsdFob',
          'importValueUsdCif',
          'groupImportValueUsdFob',
          'qtyDiff',
          'valueDiff',
          'valueRatio',
          'dayGap',
          'unitFactor',
        ].map((k) => [k, nullableNumber]),
      ),
    },
  },
} as const;

export function discrepancyView(d: DiscrepancyRow) {
  const spec = isDiscrepancyCode(d.code) ? codeSpecs[d.code] : undefined;
  return {
    id: d.id,
    runId: d.run_id,
    code: d.code,
    subtype: d.subtype,
    severity: d.severity,
    status: d.status,
    exportingCountry: d.exporting_country,
    importingCountry: d.importing_country,
    responsible: d.responsible,
    mineral: d.mineral,
    period: d.period,
    exportId: d.export_id,
    importIds: d.import_ids ?? [],
    certificate: d.certificate_key,
    link: d.link_stage === null ? null : { stage: d.link_stage, score: d.link_score },
    reason: spec ? { en: spec.meaning, fr: spec.meaningFr } : null,
    figures: d.figures,
    firstSeenAt: iso(d.first_seen_at),
    lastSeenAt: iso(d.last_seen_at),
    statusChangedAt: iso(d.status_changed_at),
    commentCount: d.comment_count,
    links: { self: `/v1/discrepancies/${d.id}` },
  };
}

export const discrepancyViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    runId: { type: 'string' },
    code: { type: 'string' },
    subtype: nullableString,
    severity: { type: 'string', enum: ['info', 'minor', 'major'] },
    status: { type: 'string', enum: ['open', 'explained', 'resolved'] },
    exportingCountry: { type: 'string' },
    importingCountry: { type: 'string' },
    responsible: { ...nullableString, description: 'The state expected to answer; null when both are.' },
    mineral: nullableString,
    period: { type: 'string' },
    exportId: nullableString,
    importIds: { type: 'array', items: { type: 'string' } },
    certificate: nullableString,
    link: {
      type: ['object', 'null'],
      properties: { stage: { type: 'integer' }, score: nullableNumber },
    },
    reason: {
      type: ['object', 'null'],
      properties: { en: { type: 'string' }, fr: { type: 'string' } },
    },
    figures: { ...freeObject, description: 'The records compared and the figures the code was decided on.' },
    firstSeenAt: nullableString,
    lastSeenAt: nullableString,
    statusChangedAt: nullableString,
    commentCount: { type: 'integer' },
    links: { type: 'object', properties: { self: { type: 'string' } } },
  },
} as const;

export function commentView(c: CommentRow) {
  return {
    id: c.id,
    author: { name: c.author_name, role: c.author_role, country: c.author_country },
    body: c.body,
    statusFrom: c.status_from,
    statusTo: c.status_to,
    createdAt: c.created_at.toISOString(),
  };
}

export const commentViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    author: {
      type: 'object',
      properties: { name: { type: 'string' }, role: { type: 'string' }, country: nullableString },
    },
    body: nullableString,
    statusFrom: nullableString,
    statusTo: nullableString,
    createdAt: { type: 'string' },
  },
} as const;

export function complianceView(c: ComplianceRow) {
  const f = c.figures as Record<string, Record<string, unknown>>;
  const q = (params: Record<string, string>) => `/v1/discrepancies?${new URLSearchParams(params).toString()}`;
  const period = { period: c.period };
  const withHref = (name: string, href: string | null) => ({ ...(f[name] ?? {}), href });
  return {
    country: c.country,
    period: c.period,
    band: c.band,
    runId: c.run_id,
    computedAt: c.computed_at.toISOString(),
    figures: {
      timeliness: withHref('timeliness', `/v1/batches?country=${c.country}`),
      certificateCoverage: withHref('certificateCoverage', null),
      confirmationRate: withHref(
        'confirmationRate',
        q({ ...period, importingCountry: c.country, code: 'UNMATCHED_EXPORT' }),
      ),
      reliabilityIndex: withHref('reliabilityIndex', q({ ...period, code: 'AGG_ASYMMETRY' })),
      openMajorItems: withHref('openMajorItems', q({ ...period, severity: 'major', status: 'open' })),
      overdueMajorItems: withHref('overdueMajorItems', q({ ...period, severity: 'major', status: 'open' })),
    },
  };
}

const figureSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    value: nullableNumber,
    items: { type: 'array', items: { type: 'string' }, description: 'Ids of the discrepancies behind it.' },
    href: nullableString,
  },
} as const;

export const complianceViewSchema = {
  type: 'object',
  properties: {
    country: { type: 'string' },
    period: { type: 'string' },
    band: { type: 'string', enum: ['compliant', 'partial', 'non_compliant'] },
    runId: { type: 'string' },
    computedAt: { type: 'string' },
    figures: {
      type: 'object',
      properties: {
        timeliness: figureSchema,
        certificateCoverage: figureSchema,
        confirmationRate: figureSchema,
        reliabilityIndex: figureSchema,
        openMajorItems: figureSchema,
        overdueMajorItems: figureSchema,
      },
    },
  },
} as const;
