import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';

import { BAIL, compileFast } from '../../../src/connectors/mapping/compile.js';
import { helperNames } from '../../../src/connectors/mapping/helpers.js';
import { defineMapping, loadMapping } from '../../../src/connectors/mapping/manifest.js';
import { createMapper, type MapResult } from '../../../src/connectors/mapping/runtime.js';
import type { SourceRow } from '../../../src/connectors/contract.js';

/** Evaluates with the fast path (jsonata when it bails) and with jsonata alone. */
async function both(expr: string, input: Record<string, unknown>, bindings: Record<string, unknown> = {}) {
  const e = jsonata(expr);
  const compiled = compileFast(e.ast(), new Set());
  if (!('fn' in compiled)) throw new Error(`not compiled: ${compiled.unsupported}`);
  let fast: unknown;
  let bailed = false;
  try {
    fast = compiled.fn(input, { bindings, helpers: {} });
  } catch (err) {
    if (err !== BAIL) throw err;
    bailed = true;
  }
  let ref: unknown;
  let refError: unknown;
  try {
    ref = await e.evaluate(input, bindings);
  } catch (err) {
    refError = err;
  }
  return { fast, bailed, ref, refError };
}

const exprs = [
  `{ "a": a, "b": b, "c": "lit", "n": 42, "t": true, "z": null }`,
  `{ "nested": { "x": a, "y": b } }`,
  `[a, b, "x"]`,
  `[a, [b]]`,
  `a & "-" & b`,
  `a = b`,
  `a != "x"`,
  `a < b`,
  `a >= b`,
  `a and b`,
  `a or b`,
  `a ? "yes" : "no"`,
  `a ? b`,
  `n + m`,
  `n * 2 - m / 4`,
  `-n`,
  `n % 3`,
  `a in ["x", "y", 1]`,
  `($v := a; $w := b; { "v": $v, "w": $w & "!" })`,
  `$string(n)`,
  `$string(a)`,
  `$uppercase(a)`,
  `$lowercase(a)`,
  `$trim(a)`,
  `$exists(a)`,
  `$boolean(a)`,
  `$not(a)`,
  `deep.x.y`,
  `$`,
  `{ "rc": $rc, "k": a & $rc }`,
];

const value = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom('', 'x', 'y', ' a  b ', '0', 'Éé'),
  fc.string({ maxLength: 5 }),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constantFrom(0.1, 1e21, -0),
  fc.array(fc.constantFrom('x', 1), { maxLength: 2 }),
  fc.constant({ k: 1 }),
  fc.constant(new Date(Date.UTC(2026, 2, 24))),
);
const row = fc.record(
  {
    a: value,
    b: value,
    n: value,
    m: value,
    deep: fc.oneof(value, fc.record({ x: fc.oneof(value, fc.record({ y: value })) })),
  },
  { requiredKeys: [] },
);

describe('the JSONata fast path', () => {
  it.each(exprs)('gives what jsonata gives, or bails: %s', async (expr) => {
    await fc.assert(
      fc.asyncProperty(row, async (input) => {
        const r = await both(expr, input as Record<string, unknown>, { rc: 'CD' });
        if (r.bailed) return;
        // Where jsonata throws, the fast path must bail, never answer.
        expect(r.refError).toBeUndefined();
        expect(JSON.stringify(r.fast)).toBe(JSON.stringify(r.ref));
      }),
      { numRuns: 300 },
    );
  });

  it('does not compile what it does not reproduce', () => {
    for (const expr of [
      'a[0]',
      'a.$uppercase($)',
      'items[x > 1]',
      '$map(a, function($v) { $v })',
      '$sum(a)',
      'a ~> $uppercase()',
      '{ a: b }',
      '$uppercase()',
      '**.x',
      'a^(b)',
    ]) {
      const c = compileFast(jsonata(expr).ast(), helperNames);
      expect('unsupported' in c, expr).toBe(true);
    }
  });

  it('compiles the reference mappings', async () => {
    for (const dir of ['fr-csv-rmd', 'xlsx-rmd']) {
      const m = await loadMapping(`connectors/${dir}`);
      for (const s of m.sources) expect(s.fast, `${dir} ${s.spec.name}: ${s.fastUnsupported}`).not.toBeNull();
    }
  });
});

function normalise(r: MapResult) {
  const { fastPathRows: _f, jsonataRows: _j, ...stats } = r.stats;
  return JSON.parse(JSON.stringify({ records: r.records, origins: r.origins, issues: r.issues, stats }));
}

describe('mapping rows: fast path and jsonata agree', () => {
  const cells = {
    number: fc.oneof(
      fc.constantFrom('1 234,56', '12,5', '', '-', 'douze', '1,2,3', '0,001', '12 34'),
      fc.integer().map(String),
    ),
    date: fc.constantFrom('24/03/2026', '31/02/2026', '2026-03-24', '', 'hier', '1/1/26', '46105'),
    time: fc.constantFrom('10:15', '10h15', '25:00', '', '7:05'),
    mineral: fc.constantFrom('cassitérite', 'or', 'Coltan', 'wolfram(ite)', 'diamant', '', 'Sn'),
    minerals: fc.constantFrom('cassitérite, coltan', 'or', 'or et diamant', ''),
    unit: fc.constantFrom('kg', 'tonnes', 'grammes', 'onces', 'bidons', ''),
    status: fc.constantFrom('0', '1', '2', '3', '4', 'vert', ''),
    text: fc.constantFrom('CD-LOT-1', 'CD-LOT-2; CD-LOT-3', '', 'x'),
    country: fc.constantFrom('Malaisie', 'MY', 'RDC', 'Atlantide', ''),
  };

  it('on generated French CSV rows of the fr-csv-rmd format', async () => {
    const mapping = await loadMapping('connectors/fr-csv-rmd');
    const lotRow = fc.record({
      'N° de lot': cells.text,
      "Date d'enregistrement": cells.date,
      Heure: cells.time,
      'Détenteur (code)': cells.text,
      Minerai: cells.mineral,
      Poids: cells.number,
      Unité: cells.unit,
      'Teneur (%)': cells.number,
      Emballage: cells.text,
      'Nombre de colis': cells.number,
      Opération: fc.constantFrom('Extraction', 'Achat', 'Mélange', 'Vol', ''),
      'Code du site': cells.text,
      "Lots d'origine": cells.text,
      Étiquettes: cells.text,
    });
    const siteRow = fc.record({
      'Code du site': cells.text,
      'Nom du site': cells.text,
      Latitude: cells.number,
      Longitude: cells.number,
      Minerais: cells.minerals,
      'Statut du site': cells.status,
      'Date du statut': cells.date,
      Activité: cells.status,
    });
    const exportRow = fc.record({
      "N° d'exportation": cells.text,
      'Pays de destination': cells.country,
      Minerai: cells.mineral,
      'Poids (kg)': cells.number,
      "Date d'expédition": cells.date,
      'N° de lot': cells.text,
    });
    const rows = fc.tuple(
      fc.array(lotRow, { maxLength: 20 }),
      fc.array(siteRow, { maxLength: 10 }),
      fc.array(exportRow, { maxLength: 10 }),
    );
    await fc.assert(
      fc.asyncProperty(rows, async ([lots, sites, exports]) => {
        const source: SourceRow[] = [
          ...lots.map((data, i) => ({ stream: 'lots.csv', file: 'lots.csv', rowNumber: i + 2, data })),
          ...sites.map((data, i) => ({ stream: 'sites.csv', file: 'sites.csv', rowNumber: i + 2, data })),
          ...exports.map((data, i) => ({
            stream: 'exports.csv',
            file: 'exports.csv',
            rowNumber: i + 2,
            data,
          })),
        ];
        const fast = await createMapper(mapping, { reportingCountry: 'CD' }).mapPage(source);
        const ref = await createMapper(mapping, { reportingCountry: 'CD', engine: 'jsonata' }).mapPage(
          source,
        );
        expect(ref.stats.fastPathRows).toBe(0);
        expect(normalise(fast)).toEqual(normalise(ref));
      }),
      { numRuns: 60 },
    );
  });

  it('falls back to jsonata for expressions outside the subset, with the same result', async () => {
    const mapping = defineMapping(
      {
        name: 'fallback',
        version: '1.0.0',
        format: 'json',
        standardVersion: '1.0.0',
        sources: [{ name: 'lots', match: 'lots', recordType: 'lot', expression: 'lots.jsonata' }],
      },
      { 'lots.jsonata': '{ "lotNumber": id, "tags": tags.$uppercase($), "mass": $sum(parts.kg) }' },
    );
    expect(mapping.sources[0]!.fast).toBeNull();
    expect(mapping.sources[0]!.fastUnsupported).toBeTruthy();
    const r = await createMapper(mapping).mapPage([
      { stream: 'lots', rowNumber: 1, data: { id: 'L1', tags: ['a', 'b'], parts: [{ kg: 1 }, { kg: 2.5 }] } },
    ]);
    expect(r.records).toEqual([{ recordType: 'lot', lotNumber: 'L1', tags: ['A', 'B'], mass: 3.5 }]);
    expect(r.stats.jsonataRows).toBe(1);
  });
});
