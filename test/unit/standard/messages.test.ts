import { describe, expect, it } from 'vitest';

import { issueCodes } from '../../../src/standard/issue.js';
import {
  closest,
  groupMessage,
  issueMessage,
  listCodes,
  type RecordLabel,
} from '../../../src/standard/messages.js';
import { loadRegistry } from '../../../src/standard/registry.js';
import { validateDocument } from '../../../src/standard/validate.js';

const registry = loadRegistry();
const NOW = Date.parse('2026-04-10T00:00:00Z');
const label: RecordLabel = { recordType: 'export', recordIndex: 3, keyField: 'exportId', key: 'E-1' };

function issuesOf(record: Record<string, unknown>) {
  const doc = {
    schemaVersion: registry.latest,
    reportingCountry: 'RW',
    period: '2026-04',
    records: [record],
  };
  return validateDocument(registry, doc, { now: NOW }).issues;
}

const good = {
  recordType: 'export',
  exportId: 'E-1',
  certificateNumber: 'RW-2026-1',
  destinationCountry: 'MY',
  mineral: 'gold',
  unit: 'GRM',
  shippedOn: '2026-04-01',
};

describe('messages', () => {
  it('name the record (type, index, key), the field, the value and what is expected, in English and French', () => {
    const [i] = issuesOf({ ...good, gradePct: 120 });
    expect(i!.message).toBe(
      'export record 0 (exportId "E-1"): "gradePct" must be between 0 and 100; got 120.',
    );
    expect(i!.messageFr).toBe(
      'Enregistrement export n° 0 (exportId « E-1 ») : « gradePct » doit être entre 0 et 100 ; reçu : 120.',
    );
  });

  it('explain dates with the form YYYY-MM-DD', () => {
    const [i] = issuesOf({ ...good, shippedOn: '01/04/2026' });
    expect(i!.message).toContain('write a date in the form YYYY-MM-DD');
    expect(i!.messageFr).toContain('AAAA-MM-JJ');
  });

  it('list short codelists in full and shorten the long ones, with a suggestion when one is close', () => {
    const [unit] = issuesOf({ ...good, unit: 'kg' });
    expect(unit!.message).toContain('allowed: KGM, GRM, TNE, LBR, APZ. Did you mean "KGM"?');
    const [country] = issuesOf({ ...good, destinationCountry: 'UK' });
    expect(country!.message).toMatch(
      /ISO 3166-1 alpha-2 country code \(249 codes: AD, AE, .*…\)\. Did you mean "GB"\?$/,
    );
    expect(country!.message.length).toBeLessThan(300);
    expect(
      listCodes(
        Array.from({ length: 30 }, (_, n) => `c${n}`),
        'en',
        'thing',
      ),
    ).toBe('c0, c1, c2, c3, c4, c5, c6, c7, … (30 codes; see codelist thing)');
  });

  it('has a template for every code in both languages, for single issues and for groups', () => {
    for (const code of issueCodes) {
      for (const lang of ['en', 'fr'] as const) {
        const m = issueMessage(code, label, { field: 'mass', value: 1 }, lang);
        expect(m, `${code} ${lang}`).toMatch(
          lang === 'en' ? /^export record 3 \(exportId "E-1"\): / : /^Enregistrement export n° 3/,
        );
        expect(m).not.toMatch(/undefined|\.\.$/);
        const g = groupMessage(code, 'export', '/records/*/mass', 12, { field: 'mass' }, lang);
        expect(g).toMatch(
          lang === 'en'
            ? /^12 more export records \(\/records\/\*\/mass\): /
            : /^12 autres enregistrements export/,
        );
        expect(g).not.toContain('undefined');
      }
    }
  });

  it('suggest only close spellings', () => {
    expect(closest('shipedOn', ['shippedOn', 'arrivedOn'])).toBe('shippedOn');
    expect(closest('Gold', ['gold', 'coltan'])).toBe('gold');
    expect(closest('UK', ['GB', 'CK', 'UG'])).toBeUndefined();
    expect(closest('totally-different', ['mass'])).toBeUndefined();
  });
});
