import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { checkVersion, compareVersions } from '../../../src/standard/compat-check.js';
import { defaultSchemasDir, readVersionDocuments } from '../../../src/standard/registry.js';

const fixtures = fileURLToPath(new URL('../../fixtures/standard/compat/', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

type Schema = Record<string, unknown>;
const id = (v: string, name: string) => `https://rmdx.icglr.org/schemas/${v}/${name}.schema.json`;

/** A small record schema of version v, changed by `edit`. */
function lot(
  v: string,
  edit: (s: Schema & { properties: Record<string, Schema> }) => void = () => undefined,
) {
  const s = {
    $id: id(v, 'lot'),
    type: 'object',
    description: 'A lot.',
    properties: {
      recordType: { type: 'string', const: 'lot' },
      lotNumber: { type: 'string', minLength: 1, maxLength: 100, pattern: '^\\S+$' },
      mass: { type: 'number', exclusiveMinimum: 0 },
      operation: { enum: ['extraction', 'purchase'] },
      action: { const: 'upsert' },
      kind: { type: 'string', format: 'date' },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 10 },
      site: { $ref: 'common.schema.json#/$defs/identifier' },
      either: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    },
    required: ['recordType', 'lotNumber'],
    additionalProperties: false,
  };
  edit(s as never);
  return s;
}

function compare(edit: Parameters<typeof lot>[1], to = '1.1.0') {
  return compareVersions(
    '1.0.0',
    new Map([['lot.schema.json', lot('1.0.0')]]),
    to,
    new Map([['lot.schema.json', lot(to, edit)]]),
  );
}

const kinds = (edit: Parameters<typeof lot>[1]) => compare(edit).violations.map((v) => [v.kind, v.pointer]);

describe('compareVersions', () => {
  it('accepts a minor version that only adds optional fields, codes and words', () => {
    const r = compare((s) => {
      s.description = 'A lot of minerals, reworded.';
      s.title = 'Lot';
      s.properties.grade = { type: 'number', minimum: 0, maximum: 100, description: 'new' };
      s.properties.operation = { enum: ['extraction', 'purchase', 'blending'] };
      s.properties.action = { enum: ['upsert', 'void'] };
      (s.properties.mass as Schema).examples = [1.5];
    });
    expect(r).toMatchObject({ bump: 'minor', checked: true, violations: [] });
    expect([...r.additions].sort()).toEqual(
      [
        'lot.schema.json /properties/grade: adds the optional field "grade"',
        'lot.schema.json /properties/operation/enum: adds the code(s) "blending"',
        'lot.schema.json /properties/action: adds code(s) "void"',
      ].sort(),
    );
  });

  it('treats the version inside $id, $ref and const as expected to change', () => {
    const v100 = new Map(
      readVersionDocuments(defaultSchemasDir, '1.0.0').map((d) => [d.fileName, d.schema as unknown]),
    );
    const v101 = new Map(
      [...v100].map(([name, s]) => [
        name,
        JSON.parse(JSON.stringify(s).split('1.0.0').join('1.0.1')) as unknown,
      ]),
    );
    expect(compareVersions('1.0.0', v100, '1.0.1', v101)).toMatchObject({
      bump: 'patch',
      violations: [],
      additions: [],
    });
  });

  it('names every change that does more', () => {
    expect(kinds((s) => delete s.properties.mass)).toEqual([['removed-property', '/properties/mass']]);
    expect(kinds((s) => (s.properties.operation = { enum: ['extraction'] }))).toEqual([
      ['removed-code', '/properties/operation/enum'],
    ]);
    expect(kinds((s) => (s.properties.mass!.type = 'string'))).toEqual([
      ['changed-type', '/properties/mass/type'],
    ]);
    expect(kinds((s) => (s.properties.mass!.type = ['number', 'null']))).toEqual([
      ['changed-type', '/properties/mass/type'],
    ]);
    expect(kinds((s) => (s.required = ['recordType', 'lotNumber', 'mass']))).toEqual([
      ['added-required', '/required'],
    ]);
    expect(kinds((s) => (s.properties.lotNumber!.maxLength = 50))).toEqual([
      ['tightened-constraint', '/properties/lotNumber/maxLength'],
    ]);
    expect(kinds((s) => (s.properties.lotNumber!.minLength = 2))).toEqual([
      ['tightened-constraint', '/properties/lotNumber/minLength'],
    ]);
    expect(kinds((s) => (s.properties.mass!.maximum = 1e6))).toEqual([
      ['tightened-constraint', '/properties/mass/maximum'],
    ]);
    expect(kinds((s) => (s.properties.lotNumber!.pattern = '^[A-Z]+$'))).toEqual([
      ['changed-rule', '/properties/lotNumber/pattern'],
    ]);
    expect(kinds((s) => (s.properties.kind!.format = 'date-time'))).toEqual([
      ['changed-rule', '/properties/kind/format'],
    ]);
    expect(kinds((s) => (s.properties.site = { $ref: 'common.schema.json#/$defs/name' }))).toEqual([
      ['changed-rule', '/properties/site/$ref'],
    ]);
    expect(kinds((s) => (s.properties.either = { anyOf: [{ type: 'string' }] }))).toEqual([
      ['changed-rule', '/properties/either/anyOf'],
    ]);
    expect(kinds((s) => (s.properties.tags!.items = { type: 'string', maxLength: 5 }))).toEqual([
      ['tightened-constraint', '/properties/tags/items/maxLength'],
    ]);
    expect(kinds((s) => (s.additionalProperties = true))).toEqual([
      ['changed-rule', '/additionalProperties'],
    ]);
    expect(kinds((s) => (s.properties.action = { const: 'void' }))).toEqual([
      ['changed-rule', '/properties/action/const'],
    ]);
  });

  it('counts loosening as a violation too: a minor version only adds', () => {
    expect(kinds((s) => (s.properties.lotNumber!.maxLength = 200))).toEqual([
      ['loosened-constraint', '/properties/lotNumber/maxLength'],
    ]);
    expect(kinds((s) => (s.required = ['recordType']))).toEqual([['loosened-constraint', '/required']]);
    expect(kinds((s) => delete s.properties.mass!.exclusiveMinimum)).toEqual([
      ['loosened-constraint', '/properties/mass/exclusiveMinimum'],
    ]);
  });

  it('reports removed schemas and definitions, and lets a major version break', () => {
    const common = (v: string, defs: Schema) => ({ $id: id(v, 'common'), $defs: defs });
    const r = compareVersions(
      '1.0.0',
      new Map<string, unknown>([
        ['lot.schema.json', lot('1.0.0')],
        ['common.schema.json', common('1.0.0', { identifier: { type: 'string' }, name: { type: 'string' } })],
      ]),
      '1.1.0',
      new Map<string, unknown>([['common.schema.json', common('1.1.0', { identifier: { type: 'string' } })]]),
    );
    expect(r.violations.map((v) => [v.kind, v.schema, v.pointer])).toEqual([
      ['removed-schema', 'lot.schema.json', '/'],
      ['removed-definition', 'common.schema.json', '/$defs/name'],
    ]);
    expect(compare((s) => delete s.properties.mass, '2.0.0')).toMatchObject({
      bump: 'major',
      checked: false,
      violations: [],
    });
  });
});

describe('checkVersion and rmdx schemas check', () => {
  it('compares a version with its predecessor on disk', () => {
    expect(checkVersion(path.join(fixtures, 'compatible'))).toMatchObject({
      from: '1.0.0',
      to: '1.1.0',
      violations: [],
    });
    const broken = checkVersion(path.join(fixtures, 'breaking'), '1.1.0');
    expect(broken.violations.map((v) => v.kind).sort()).toEqual([
      'added-required',
      'added-required',
      'changed-type',
      'loosened-constraint',
      'removed-code',
      'removed-property',
      'tightened-constraint',
    ]);
    expect(checkVersion(path.join(fixtures, 'breaking'), '1.0.0')).toMatchObject({
      from: '',
      checked: false,
    });
    expect(checkVersion(defaultSchemasDir).violations).toEqual([]);
    expect(() => checkVersion(defaultSchemasDir, '9.9.9')).toThrow(/No version 9.9.9/);
  });

  it('exits 1 naming each violation, 0 when compatible', () => {
    const run = (dir: string) =>
      spawnSync(
        process.execPath,
        ['bin/rmdx.js', 'schemas', 'check', '--schemas-dir', path.join(fixtures, dir)],
        {
          cwd: repo,
          encoding: 'utf8',
        },
      );
    const bad = run('breaking');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(
      'export.schema.json /properties/note: removes the field "note" [removed-property]',
    );
    expect(bad.stdout).toContain(
      'codelists.schema.json /$defs/mineral/enum: removes the code(s) "coltan" [removed-code]',
    );
    expect(run('compatible').status).toBe(0);
    expect(run('major').status).toBe(0);
  });
});
