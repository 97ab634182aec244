import { describe, expect, it } from 'vitest';

import type { MappedRecord, RowOrigin } from '../../../src/connectors/mapping/runtime.js';
import {
  canonicalJson,
  lastPerKey,
  pageBatchKey,
  periodInName,
  periodOf,
  recordDigest,
  splitByPeriod,
} from '../../../src/connectors/page-batches.js';
import { checkSchedule, nextRun } from '../../../src/connectors/cron.js';
import { retryDelayMs } from '../../../src/connectors/scheduler.js';

const origin = (o: Partial<RowOrigin> = {}): RowOrigin => ({
  source: 's',
  stream: 'lots',
  rowNumber: 2,
  ...o,
});
const lot = (n: string, registeredAt: string): MappedRecord => ({
  recordType: 'lot',
  lotNumber: n,
  registeredAt,
});

describe('a page becomes batches of the standard', () => {
  it('places a record in the month of its event date, else by the rules for undated records', () => {
    const rules = { hint: '2026-11' };
    expect(periodOf(lot('L1', '2026-03-04T10:15:00+02:00'), origin(), rules)).toBe('2026-03');
    const site: MappedRecord = { recordType: 'mineSite', siteId: 'S1' };
    expect(periodOf(site, origin({ file: 'sites_2026-02.csv' }), rules)).toBe('2026-02');
    expect(periodOf(site, origin({ sheet: 'Sites 202601' }), rules)).toBe('2026-01');
    expect(periodOf(site, origin(), { ...rules, rowPeriod: () => '2025-12' })).toBe('2025-12');
    expect(periodOf(site, origin({ file: 'sites.csv' }), rules)).toBe('2026-11');
    expect(periodOf(site, origin({ file: 'sites_2026-02.csv' }), { ...rules, period: '2026-05' })).toBe(
      '2026-05',
    );
    // An event date that the mapping could not read is no month: the record goes by the other rules.
    expect(periodOf(lot('L1', '04/03/2026'), origin(), rules)).toBe('2026-11');
  });

  it('finds the month in file names without mistaking other numbers for one', () => {
    expect(periodInName('lots_2026-03.csv')).toBe('2026-03');
    expect(periodInName('ug-rmd-2026-03.xlsx')).toBe('2026-03');
    expect(periodInName('export_202604.csv')).toBe('2026-04');
    expect(periodInName('lots_2026-13.csv')).toBeUndefined();
    expect(periodInName('CD-LOT-2026-004512.csv')).toBeUndefined();
    expect(periodInName(undefined)).toBeUndefined();
  });

  it('splits a page spanning months into one part per month, in order, keeping each record with its row', () => {
    const records = [
      lot('A', '2026-04-01T00:00:00Z'),
      lot('B', '2026-03-31T23:00:00Z'),
      lot('C', '2026-04-02T00:00:00Z'),
    ];
    const origins = records.map((_, i) => origin({ rowNumber: i + 2 }));
    const parts = splitByPeriod(records, origins, { hint: '2026-11' });
    expect(
      parts.map((p) => [p.period, p.records.map((r) => r.lotNumber), p.origins.map((o) => o.rowNumber)]),
    ).toEqual([
      ['2026-03', ['B'], [3]],
      ['2026-04', ['A', 'C'], [2, 4]],
    ]);
  });

  it('keeps the last version of a key read twice in one page', () => {
    const part = {
      period: '2026-03',
      records: [
        lot('A', '2026-03-01T00:00:00Z'),
        lot('B', '2026-03-01T00:00:00Z'),
        lot('A', '2026-03-02T00:00:00Z'),
      ],
      origins: [origin({ rowNumber: 2 }), origin({ rowNumber: 3 }), origin({ rowNumber: 4 })],
    };
    const kept = lastPerKey(part);
    expect(kept.records.map((r) => r.registeredAt)).toEqual(['2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z']);
    expect(kept.origins.map((o) => o.rowNumber)).toEqual([3, 4]);
  });

  it('derives the same key from the same position and content, another from anything else', () => {
    const pos = {
      before: { streams: { lots: { updatedAt: '2026-03-01T00:00:00.000Z', id: '9' } } },
      after: null,
      ordinal: 0,
    };
    const reordered = {
      before: { streams: { lots: { id: '9', updatedAt: '2026-03-01T00:00:00.000Z' } } },
      after: null,
      ordinal: 0,
    };
    const k = pageBatchKey('i1', pos, '2026-03', 'abc');
    expect(k).toMatch(/^connector:i1:[0-9a-f]{40}$/);
    expect(pageBatchKey('i1', reordered, '2026-03', 'abc')).toBe(k);
    expect(pageBatchKey('i2', pos, '2026-03', 'abc')).not.toBe(k);
    expect(pageBatchKey('i1', { ...pos, ordinal: 1 }, '2026-03', 'abc')).not.toBe(k);
    expect(pageBatchKey('i1', pos, '2026-04', 'abc')).not.toBe(k);
    expect(pageBatchKey('i1', pos, '2026-03', 'abd')).not.toBe(k);
    expect(k.length).toBeLessThanOrEqual(200);
  });

  it('digests records by canonical JSON: key order does not matter, values do', () => {
    expect(recordDigest({ recordType: 'lot', a: 1, b: [1, 2] })).toBe(
      recordDigest({ b: [1, 2], a: 1, recordType: 'lot' }),
    );
    expect(recordDigest({ recordType: 'lot', a: 1 })).not.toBe(recordDigest({ recordType: 'lot', a: 2 }));
    expect(canonicalJson({ b: 1, a: [true, null] })).toBe('{"a":[true,null],"b":1}');
  });
});

describe('schedules and retries', () => {
  it('takes cron expressions of 5 or 6 fields, evaluated in UTC', () => {
    expect(() => checkSchedule('0 */6 * * *')).not.toThrow();
    expect(() => checkSchedule('*/10 * * * * *')).not.toThrow();
    expect(() => checkSchedule('every hour')).toThrow(/5 fields/);
    expect(() => checkSchedule('61 * * * *')).toThrow(/not a cron expression/);
    expect(nextRun('0 */6 * * *', new Date('2026-03-04T07:30:00Z')).toISOString()).toBe(
      '2026-03-04T12:00:00.000Z',
    );
    expect(nextRun('30 2 * * *', new Date('2026-03-04T02:30:00Z')).toISOString()).toBe(
      '2026-03-05T02:30:00.000Z',
    );
  });

  it('backs off exponentially with jitter: each wait between half and all of base·2ⁿ⁻¹', () => {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const cap = 1000 * 2 ** (attempt - 1);
      expect(retryDelayMs(attempt, 1000, () => 0)).toBe(cap / 2);
      expect(retryDelayMs(attempt, 1000, () => 0.999999)).toBeLessThanOrEqual(cap);
      const d = retryDelayMs(attempt, 1000);
      expect(d).toBeGreaterThanOrEqual(cap / 2);
      expect(d).toBeLessThanOrEqual(cap);
    }
  });
});
