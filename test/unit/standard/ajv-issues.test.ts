import { describe, expect, it } from 'vitest';

import { fieldName, findingsFromAjv, topField } from '../../../src/standard/ajv-issues.js';
import { createStandardAjv } from '../../../src/standard/registry.js';

function findings(schema: object, data: unknown) {
  const ajv = createStandardAjv();
  const validate = ajv.compile(schema);
  expect(validate(data)).toBe(false);
  return findingsFromAjv(validate.errors);
}

const person = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['a', 'b'] },
    name: { type: 'string', minLength: 1, maxLength: 5 },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    born: { type: 'string', format: 'date' },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 3 },
    place: {
      type: 'object',
      properties: { lat: { type: 'number', minimum: -90, maximum: 90 } },
      required: ['lat'],
      additionalProperties: false,
    },
  },
  required: ['name'],
  additionalProperties: false,
};

describe('findingsFromAjv', () => {
  it('points a missing property at the property itself', () => {
    expect(findings(person, {}).map((f) => [f.code, f.path])).toEqual([['RMDX_VAL_REQUIRED', '/name']]);
    expect(findings(person, { name: 'x', place: {} })).toMatchObject([
      { code: 'RMDX_VAL_REQUIRED', path: '/place/lat', detail: { field: 'place.lat' } },
    ]);
  });

  it('points an unknown property at the extra property and suggests a close name', () => {
    expect(findings(person, { name: 'x', nmae: 'y', zzz: 1 })).toMatchObject([
      { code: 'RMDX_VAL_UNKNOWN_FIELD', path: '/nmae', detail: { suggestion: 'name' } },
      { code: 'RMDX_VAL_UNKNOWN_FIELD', path: '/zzz', detail: { field: 'zzz' } },
    ]);
  });

  it('maps each keyword family onto its code', () => {
    const f = findings(person, {
      name: 'too long name',
      kind: 'c',
      age: 200,
      born: '2026-02-30',
      tags: ['a', 'a', 'b', 'c'],
    });
    expect(f.map((x) => [x.code, x.path])).toEqual([
      ['RMDX_VAL_CODE', '/kind'],
      ['RMDX_VAL_LENGTH', '/name'],
      ['RMDX_VAL_RANGE', '/age'],
      ['RMDX_VAL_FORMAT', '/born'],
      ['RMDX_VAL_LENGTH', '/tags'],
      ['RMDX_VAL_DUPLICATE_ITEM', '/tags'],
    ]);
    expect(f[2]!.detail).toMatchObject({ min: 0, max: 150, value: 200 });
    expect(f[1]!.detail).toMatchObject({ limit: 5, limitSide: 'max', counted: 'characters', actual: 13 });
  });

  it('reports a wrong type once, without the complaints that follow from it', () => {
    const f = findings(person, { name: 42 });
    expect(f).toMatchObject([
      { code: 'RMDX_VAL_TYPE', path: '/name', detail: { types: ['string'], value: 42 } },
    ]);
  });

  it('drops the if wrapper and names the condition of a conditional requirement', () => {
    const schema = {
      type: 'object',
      properties: { op: { enum: ['x', 'y'] }, site: { type: 'string' } },
      if: { type: 'object', properties: { op: { const: 'x' } }, required: ['op'] },
      then: { type: 'object', properties: { site: true }, required: ['site'] },
    };
    const f = findings(schema, { op: 'x' });
    expect(f).toEqual([
      {
        code: 'RMDX_VAL_REQUIRED',
        path: '/site',
        detail: { field: 'site', condition: { field: 'op', value: 'x' } },
      },
    ]);
  });

  it('folds the branches of a failed anyOf into one RMDX_VAL_INVALID naming the alternatives', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      anyOf: [
        { type: 'object', properties: { a: true }, required: ['a'] },
        { type: 'object', properties: { b: true }, required: ['b'] },
      ],
    };
    expect(findings(schema, {})).toMatchObject([
      { code: 'RMDX_VAL_INVALID', path: '', detail: { oneOfFields: ['a', 'b'], oneOfMode: 'anyOf' } },
    ]);
  });

  it('reports each (code, path) once', () => {
    const schema = {
      type: 'object',
      properties: { d: { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
    };
    expect(findings(schema, { d: '1 March' })).toHaveLength(1);
  });

  it('escapes pointer segments and names fields for people', () => {
    expect(findings(person, { name: 'x', 'a/b~c': 1 })[0]!.path).toBe('/a~1b~0c');
    expect(fieldName('/lotNumbers/2')).toBe('lotNumbers[2]');
    expect(fieldName('/location/lat')).toBe('location.lat');
    expect(fieldName('/a~1b')).toBe('a/b');
    expect(topField('/location/lat')).toBe('location');
    expect(topField('/a~1b')).toBe('a/b');
  });

  it('gives RMDX_VAL_INVALID to other keywords with English and French words', () => {
    const f = findings(
      { type: 'object', not: { type: 'object', properties: { x: true }, required: ['x'] } },
      { x: 1 },
    );
    expect(f).toMatchObject([{ code: 'RMDX_VAL_INVALID', path: '' }]);
    expect(f[0]!.detail.rule).toBeTruthy();
    expect(f[0]!.detail.ruleFr).toBeTruthy();
    expect(f[0]!.detail.ruleFr).not.toBe(f[0]!.detail.rule);
  });
});
