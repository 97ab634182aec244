import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { recordTypes } from '../../../src/standard/record-types.js';
import { compareSemver, loadRegistry } from '../../../src/standard/registry.js';

const fixtures = fileURLToPath(new URL('../../fixtures/standard/', import.meta.url));

describe('loadRegistry', () => {
  const registry = loadRegistry();
  const v = registry.get(registry.latest);

  it('loads every published version, sorted, with the latest last', () => {
    expect(registry.versions.length).toBeGreaterThan(0);
    expect([...registry.versions].sort(compareSemver)).toEqual(registry.versions);
    expect(registry.latest).toBe(registry.versions.at(-1));
    expect(registry.has('0.0.0')).toBe(false);
    expect(() => registry.get('0.0.0')).toThrow();
  });

  it('compiles a validator per record type and serves every document at the path of its $id', () => {
    expect([...v.recordValidators.keys()].sort()).toEqual([...recordTypes].sort());
    for (const t of recordTypes) expect(registry.recordValidator(registry.latest, t)).toBe(v.byRecordType[t]);
    for (const doc of v.documents) {
      expect(doc.path).toBe(`/schemas/${registry.latest}/${doc.fileName}`);
      expect(registry.documentByPath(doc.path)).toBe(doc);
      expect(JSON.parse(doc.text)).toEqual(doc.schema);
      expect(v.validators.get(doc.fileName)).toBeTypeOf('function');
    }
    expect(
      registry.documentByPath(`/schemas/${registry.latest}/batch-envelope.internal.schema.json`),
    ).toBeUndefined();
    expect(Object.getPrototypeOf(v.byRecordType)).toBeNull();
  });

  it('checks the envelope without looking into the records', () => {
    const envelope = registry.envelopeValidator(registry.latest);
    const batch = v.validators.get('batch.schema.json')!;
    const doc = {
      schemaVersion: registry.latest,
      reportingCountry: 'RW',
      period: '2026-03',
      records: [{ nonsense: 1 }],
    };
    expect(envelope(doc)).toBe(true);
    expect(batch(doc)).toBe(false);
    expect(envelope({ ...doc, records: [] })).toBe(false);
    expect(envelope({ ...doc, period: '2026-13' })).toBe(false);
  });

  it('reads the codelists the semantic checks need from the version', () => {
    expect([...v.codelists.memberState]).toContain('RW');
    expect([...v.codelists.certifyingState].every((c) => v.codelists.memberState.has(c))).toBe(true);
    expect(v.codelists.designatedMineral.size).toBeGreaterThan(0);
    expect(v.codelists.country.size).toBeGreaterThan(200);
  });

  it('refuses to start on a schema that does not compile in strict mode', () => {
    expect(() => loadRegistry(`${fixtures}broken`)).toThrow(/export\.schema\.json does not compile.*minimun/);
  });
});
