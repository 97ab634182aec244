import { describe, expect, it } from 'vitest';

import type { SubmittedRecord } from '../../../src/standard/record-types.js';
import { loadRegistry } from '../../../src/standard/registry.js';
import {
  prepareSemanticContext,
  semanticFindings,
  type SemanticOptions,
} from '../../../src/standard/semantic-checks.js';

const registry = loadRegistry();
const codelists = registry.get(registry.latest).codelists;
const NOW = Date.parse('2026-04-10T12:00:00Z');

function check(
  type: Parameters<typeof semanticFindings>[0],
  record: SubmittedRecord,
  opts: Partial<SemanticOptions> = {},
  bad?: Set<string>,
) {
  const ctx = prepareSemanticContext(codelists, {
    reportingCountry: 'RW',
    period: '2026-04',
    now: NOW,
    ...opts,
  });
  return (semanticFindings(type, { recordType: type, ...record }, ctx, bad) ?? []).map((f) => [
    f.code,
    f.path,
  ]);
}

const exportRecord = {
  exportId: 'E1',
  certificateNumber: 'RW-2026-000001',
  destinationCountry: 'MY',
  mineral: 'cassiterite',
  unit: 'KGM',
  shippedOn: '2026-04-02',
};

describe('semantic checks', () => {
  it('finds nothing in a sound record', () => {
    expect(check('export', exportRecord)).toEqual([]);
  });

  it("compares a mine site's country with the reporting country", () => {
    expect(check('mineSite', { siteId: 'S', country: 'CD' })).toEqual([
      ['RMDX_VAL_COUNTRY_MISMATCH', '/country'],
    ]);
    expect(check('mineSite', { siteId: 'S', country: 'RW' })).toEqual([]);
    // No envelope, no check.
    expect(check('mineSite', { siteId: 'S', country: 'CD' }, { reportingCountry: undefined })).toEqual([]);
  });

  it('asks a certificate of designated exports from certifying states only, from the codelists', () => {
    const { certificateNumber: _, ...noCertificate } = exportRecord;
    expect(check('export', noCertificate)).toEqual([['RMDX_VAL_CERTIFICATE_REQUIRED', '/certificateNumber']]);
    expect([...codelists.certifyingState]).not.toContain('KE');
    expect(check('export', noCertificate, { reportingCountry: 'KE' })).toEqual([]);
    for (const state of codelists.certifyingState) {
      expect(check('export', noCertificate, { reportingCountry: state })).toHaveLength(1);
    }
  });

  it('wants certificate numbers to begin with the reporting country, tolerating case and spaces', () => {
    expect(check('export', { ...exportRecord, certificateNumber: 'UG-2026-1' })).toEqual([
      ['RMDX_VAL_CERTIFICATE_PREFIX', '/certificateNumber'],
    ]);
    expect(check('export', { ...exportRecord, certificateNumber: ' r w -2026-1' })).toEqual([]);
    expect(check('certificate', { certificateNumber: 'rw-2026-9', issuedOn: '2026-04-01' })).toEqual([]);
    expect(check('certificate', { certificateNumber: 'TZ-2026-9', issuedOn: '2026-04-01' })).toEqual([
      ['RMDX_VAL_CERTIFICATE_PREFIX', '/certificateNumber'],
    ]);
    // An import presents a certificate of another state: not checked.
    expect(check('import', { importId: 'I', certificateNumber: 'CD-1', arrivedOn: '2026-04-01' })).toEqual(
      [],
    );
  });

  it('refuses dates and timestamps in the future of `now`, with slack for time zones and clocks', () => {
    expect(check('export', { ...exportRecord, shippedOn: '2026-04-12' })).toContainEqual([
      'RMDX_VAL_FUTURE_DATE',
      '/shippedOn',
    ]);
    // Tomorrow is already today east of UTC.
    expect(check('export', { ...exportRecord, shippedOn: '2026-04-11' })).toEqual([]);
    expect(check('lot', { lotNumber: 'L', registeredAt: '2026-04-10T12:03:00Z' })).toEqual([]);
    expect(check('lot', { lotNumber: 'L', registeredAt: '2026-04-10T14:00:00Z' })).toEqual([
      ['RMDX_VAL_FUTURE_DATE', '/registeredAt'],
    ]);
    expect(check('actor', { actorId: 'A', auditStatus: { flag: 'red', date: '2027-01-01' } })).toEqual([
      ['RMDX_VAL_FUTURE_DATE', '/auditStatus/date'],
    ]);
    // End dates may lie ahead.
    expect(check('licence', { licenceId: 'L', validFrom: '2026-01-01', validTo: '2030-01-01' })).toEqual([]);
    // `now` is a parameter.
    expect(
      check('export', { ...exportRecord, shippedOn: '2026-04-12' }, { now: Date.parse('2026-05-01') }),
    ).toEqual([]);
  });

  it('refuses end dates before start dates', () => {
    expect(check('licence', { licenceId: 'L', validFrom: '2026-03-01', validTo: '2026-02-28' })).toEqual([
      ['RMDX_VAL_DATE_ORDER', '/validTo'],
    ]);
    expect(
      check('certificate', { certificateNumber: 'RW-1', issuedOn: '2026-04-02', expiresOn: '2026-04-01' }),
    ).toEqual([['RMDX_VAL_DATE_ORDER', '/expiresOn']]);
    expect(
      check('certificate', { certificateNumber: 'RW-1', issuedOn: '2026-04-02', expiresOn: '2026-04-02' }),
    ).toEqual([]);
  });

  it('warns when the event date is outside the period', () => {
    expect(check('export', { ...exportRecord, shippedOn: '2026-03-31' })).toEqual([
      ['RMDX_VAL_PERIOD_MISMATCH', '/shippedOn'],
    ]);
    expect(check('custodyTransfer', { transferId: 'T', occurredAt: '2026-03-31T23:30:00+03:00' })).toEqual([
      ['RMDX_VAL_PERIOD_MISMATCH', '/occurredAt'],
    ]);
    expect(check('export', { ...exportRecord, shippedOn: '2026-03-31' }, { period: undefined })).toEqual([]);
  });

  it('skips the checks of fields the schema already refused, and void records', () => {
    const { certificateNumber: _, ...noCertificate } = exportRecord;
    expect(check('export', { ...noCertificate, mineral: 'tin' }, {}, new Set(['mineral']))).toEqual([]);
    expect(check('export', { ...exportRecord, shippedOn: '2099-01-01' }, {}, new Set(['shippedOn']))).toEqual(
      [],
    );
    expect(check('mineSite', { siteId: 'S', country: 'XX' }, {}, new Set(['country']))).toEqual([]);
    expect(check('export', { exportId: 'E', action: 'void', shippedOn: '2099-01-01' })).toEqual([]);
  });
});
