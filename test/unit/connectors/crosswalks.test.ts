import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  buildCodeTables,
  codeKey,
  iso3166Alpha2,
  lookupCode,
} from '../../../src/connectors/mapping/crosswalks.js';
import { createHelpers, HelperUsageError } from '../../../src/connectors/mapping/helpers.js';
import type { IssueDetail, MappingIssueCode } from '../../../src/connectors/mapping-issues.js';

const tables = buildCodeTables({
  mineral: { 'minerai stannifère': 'cassiterite' },
  activity: { en_service: 'active' },
});
const t = (name: string) => tables.get(name)!;

function helpers() {
  const reported: { code: MappingIssueCode; value: unknown; detail: IssueDetail }[] = [];
  const h = createHelpers(
    { decimalSeparator: ',', dateOrder: 'dmy', timezone: '+02:00', codeTables: tables },
    { report: (code, value, detail) => reported.push({ code, value, detail }) },
  );
  return { h, reported };
}

describe('code crosswalks', () => {
  it.each([
    ['cassitérite', 'cassiterite'],
    ['CASSITERITE', 'cassiterite'],
    ['Cassitérite (Sn)', 'cassiterite'],
    ['étain', 'cassiterite'],
    ['Sn', 'cassiterite'],
    ['or', 'gold'],
    ['Or alluvionnaire', 'gold'],
    ['Au', 'gold'],
    ['colombo-tantalite', 'coltan'],
    ['Columbo tantalite', 'coltan'],
    ['coltan', 'coltan'],
    ['wolfram(ite)', 'wolframite'],
    ['Wolfram', 'wolframite'],
    ['tungstène', 'wolframite'],
    ['minerai stannifère', 'cassiterite'],
  ])('mineral %j → %s', (word, code) => {
    expect(lookupCode(t('mineral'), word)).toBe(code);
  });

  it.each([
    ['kg', 'KGM'],
    ['Kilogrammes', 'KGM'],
    ['tonnes', 'TNE'],
    ['t', 'TNE'],
    ['T', 'TNE'],
    ['grammes', 'GRM'],
    ['g', 'GRM'],
    ['onces', 'APZ'],
    ['oz t', 'APZ'],
    ['KGM', 'KGM'],
    ['lbs', 'LBR'],
  ])('unit %j → %s', (word, code) => {
    expect(lookupCode(t('unit'), word)).toBe(code);
  });

  it.each([
    [0, 'blue'],
    [1, 'green'],
    [2, 'yellow'],
    [3, 'red'],
    ['0', 'blue'],
    ['3', 'red'],
    ['Vert', 'green'],
    ['jaune', 'yellow'],
    ['ROUGE', 'red'],
    ['non inspecté', 'blue'],
  ])('MDC.01 status %j → %s', (word, code) => {
    expect(lookupCode(t('mineStatus'), word)).toBe(code);
  });

  it.each([
    ['RDC', 'CD'],
    ['République démocratique du Congo', 'CD'],
    ['Malaisie', 'MY'],
    ['Émirats arabes unis', 'AE'],
    ['Chine', 'CN'],
    ['Ouganda', 'UG'],
    ['rw', 'RW'],
    ['BE', 'BE'],
  ])('country %j → %s', (word, code) => {
    expect(lookupCode(t('country'), word)).toBe(code);
  });

  it('knows every ISO 3166-1 alpha-2 code', () => {
    expect(iso3166Alpha2).toHaveLength(249);
    for (const c of iso3166Alpha2) expect(lookupCode(t('country'), c.toLowerCase())).toBe(c);
  });

  it('says unknown (null) and empty (undefined) apart', () => {
    expect(lookupCode(t('mineral'), 'diamant')).toBeNull();
    expect(lookupCode(t('mineStatus'), 4)).toBeNull();
    expect(lookupCode(t('mineral'), '')).toBeUndefined();
    expect(lookupCode(t('mineral'), undefined)).toBeUndefined();
    expect(lookupCode(t('mineral'), { a: 1 })).toBeNull();
  });

  it('adds manifest lists and entries', () => {
    expect(lookupCode(t('activity'), 'En service')).toBe('active');
  });

  it('property: the key ignores case, accents and surrounding punctuation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('cassitérite', 'colombo-tantalite', 'wolfram(ite)', 'or', 'étain'),
        fc.boolean(),
        (w, upper) => {
          const variant = ` ${upper ? w.toUpperCase() : w} `;
          expect(codeKey(variant)).toBe(codeKey(w));
          expect(lookupCode(t('mineral'), variant)).toBe(lookupCode(t('mineral'), w));
        },
      ),
    );
  });

  it('property: every standard code maps to itself', () => {
    for (const [list, codes] of [
      ['mineral', ['gold', 'cassiterite', 'wolframite', 'coltan']],
      ['unit', ['KGM', 'GRM', 'TNE', 'LBR', 'APZ']],
      ['mineStatus', ['blue', 'green', 'yellow', 'red']],
      ['lotOperation', ['extraction', 'purchase', 'processing', 'blending', 'splitting', 'export']],
    ] as const)
      for (const c of codes) expect(lookupCode(t(list), c)).toBe(c);
  });
});

describe('mapping helpers', () => {
  it('$decimal and $integer report what they cannot read', () => {
    const { h, reported } = helpers();
    expect(h.decimal!('1 234,5')).toBe(1234.5);
    expect(h.decimal!('douze')).toBeUndefined();
    expect(h.integer!('12')).toBe(12);
    expect(h.integer!('12,5')).toBeUndefined();
    expect(reported.map((r) => r.code)).toEqual(['RMDX_MAP_UNPARSABLE_NUMBER', 'RMDX_MAP_UNPARSABLE_NUMBER']);
    expect(reported[1]!.detail.expectedFr).toBe('un nombre entier');
  });

  it('$date, $timestamp and $datetime', () => {
    const { h, reported } = helpers();
    expect(h.date!('24/03/2026')).toBe('2026-03-24');
    expect(h.timestamp!('24/03/2026 10:15')).toBe('2026-03-24T10:15:00+02:00');
    expect(h.timestamp!('24/03/2026 10:15', '+03:00')).toBe('2026-03-24T10:15:00+03:00');
    expect(h.datetime!('24/03/2026', '10h15')).toBe('2026-03-24T10:15:00+02:00');
    expect(h.datetime!('24/03/2026', undefined)).toBe('2026-03-24T00:00:00+02:00');
    expect(h.datetime!(new Date(Date.UTC(2026, 2, 24)), 0.5)).toBe('2026-03-24T12:00:00+02:00');
    expect(h.datetime!('31/02/2026', '25:00')).toBeUndefined();
    expect(reported.map((r) => r.value)).toEqual(['31/02/2026', '25:00']);
    expect(() => h.timestamp!('24/03/2026', 'CAT')).toThrow(HelperUsageError);
  });

  it('$minerals reads lists in any separator and reports each unknown item', () => {
    const { h, reported } = helpers();
    expect(h.minerals!('coltan, cassitérite')).toEqual(['coltan', 'cassiterite']);
    expect(h.minerals!('Sn / Ta / W')).toEqual(['cassiterite', 'coltan', 'wolframite']);
    expect(h.minerals!('or et étain')).toEqual(['gold', 'cassiterite']);
    expect(h.minerals!(['Sn', 'Sn', 'Au'])).toEqual(['cassiterite', 'gold']);
    expect(h.minerals!('coltan; diamant')).toBeUndefined();
    expect(reported).toEqual([expect.objectContaining({ code: 'RMDX_MAP_UNKNOWN_CODE', value: 'diamant' })]);
  });

  it('$code uses any list, and a wrong list name is a usage error', () => {
    const { h } = helpers();
    expect(h.code!('lotOperation', 'Achat')).toBe('purchase');
    expect(h.code!('activityStatus', 1)).toBe('active');
    expect(() => h.code!('nope', 'x')).toThrow(HelperUsageError);
  });

  it('$list splits, trims and keeps each item once; $text makes ids text', () => {
    const { h } = helpers();
    expect(h.list!('A; B ;A,C')).toEqual(['A', 'B', 'C']);
    expect(h.list!('RW/2026/1;RW/2026/2')).toEqual(['RW/2026/1', 'RW/2026/2']);
    expect(h.list!('A-B', '-')).toEqual(['A', 'B']);
    expect(h.list!('')).toBeUndefined();
    expect(h.text!(12345)).toBe('12345');
    expect(h.text!('  x ')).toBe('x');
    expect(h.text!(new Date(Date.UTC(2026, 0, 2)))).toBe('2026-01-02');
  });
});
