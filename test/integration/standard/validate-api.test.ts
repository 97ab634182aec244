import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { testApp, testConfig } from '../../helpers/app.js';
import { testDatabase } from '../../helpers/db.js';
import { loadExamples, sortIssues } from './examples.js';

const db = await testDatabase();
const app = await testApp(db);
const examples = loadExamples();

function post(
  payload: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  url = '/v1/validate',
) {
  return app.inject({ method: 'POST', url, payload, headers });
}

describe('POST /v1/validate: the published examples', () => {
  it('has examples to check', () => {
    expect(examples.filter((e) => e.valid).length).toBeGreaterThanOrEqual(27);
    expect(examples.filter((e) => !e.valid).length).toBeGreaterThanOrEqual(45);
  });

  for (const ex of examples) {
    it(`${ex.version}/${ex.valid ? 'valid' : 'invalid'}/${ex.file}`, async () => {
      const res = await post(readFileSync(ex.path));
      expect(res.statusCode).toBe(200);
      const report = res.json();
      expect(report.schemaVersion).toBe(ex.version);
      expect(sortIssues(report.issues)).toEqual(ex.expected);
      expect(report.groups).toEqual([]);
      expect(report.valid).toBe(!ex.expected.some((i) => i.severity === 'error'));
      for (const issue of report.issues) {
        expect(issue.message).toBeTruthy();
        expect(issue.messageFr).toBeTruthy();
      }
    });
  }
});

describe('POST /v1/validate: one record', () => {
  const record = {
    recordType: 'export',
    exportId: 'RW-EXP-1',
    destinationCountry: 'MY',
    mineral: 'cassiterite',
    unit: 'KGM',
    shippedOn: '2026-03-02',
  };

  it('checks a record on its own, and the envelope checks when the query gives country and period', async () => {
    const alone = await post(JSON.stringify(record));
    expect(alone.json()).toMatchObject({ valid: true, kind: 'record', issues: [] });
    const withEnvelope = await post(
      JSON.stringify(record),
      undefined,
      '/v1/validate?reportingCountry=RW&period=2026-04&schemaVersion=1.0.0',
    );
    expect(withEnvelope.statusCode).toBe(200);
    expect(withEnvelope.json().issues.map((i: { code: string; path: string }) => [i.code, i.path])).toEqual([
      ['RMDX_VAL_CERTIFICATE_REQUIRED', '/certificateNumber'],
      ['RMDX_VAL_PERIOD_MISMATCH', '/shippedOn'],
    ]);
  });

  it('accepts a gzip body', async () => {
    const res = await post(gzipSync(JSON.stringify(record)), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.json()).toMatchObject({ valid: true });
  });
});

describe('POST /v1/validate: bad input is a problem+json 4xx with a stable code', () => {
  const cases: [string, () => ReturnType<typeof post>, number, string][] = [
    ['malformed JSON', () => post('{"records": [1,'), 400, 'RMDX_ERR_BAD_JSON'],
    ['an empty body', () => post(''), 400, 'RMDX_ERR_EMPTY_BODY'],
    ['blank text', () => post('   \n'), 400, 'RMDX_ERR_EMPTY_BODY'],
    [
      'a text/plain body',
      () => post('{}', { 'content-type': 'text/plain' }),
      415,
      'RMDX_ERR_UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an XML body',
      () => post('<batch/>', { 'content-type': 'application/xml' }),
      415,
      'RMDX_ERR_UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an unknown schemaVersion',
      () => post('{"schemaVersion":"3.1.4","records":[]}'),
      422,
      'RMDX_ERR_UNKNOWN_SCHEMA_VERSION',
    ],
    [
      'an unknown version for a record',
      () => post('{"recordType":"lot"}', undefined, '/v1/validate?schemaVersion=0.1.0'),
      422,
      'RMDX_ERR_UNKNOWN_SCHEMA_VERSION',
    ],
    ['neither batch nor record', () => post('{"hello":"world"}'), 422, 'RMDX_ERR_NOT_A_DOCUMENT'],
    ['a JSON array', () => post('[{"recordType":"lot"}]'), 422, 'RMDX_ERR_NOT_A_DOCUMENT'],
    [
      'a bad reportingCountry',
      () => post('{"recordType":"lot"}', undefined, '/v1/validate?reportingCountry=rwanda'),
      400,
      'RMDX_ERR_BAD_REQUEST',
    ],
    [
      'a bad period',
      () => post('{"recordType":"lot"}', undefined, '/v1/validate?period=2026-13'),
      400,
      'RMDX_ERR_BAD_REQUEST',
    ],
    ['a prototype key', () => post('{"recordType":"lot","__proto__":{"x":1}}'), 400, 'RMDX_ERR_BAD_JSON'],
    [
      'broken gzip',
      () => post(Buffer.from('not gzip'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      400,
      'RMDX_ERR_BAD_ENCODING',
    ],
  ];
  for (const [name, send, status, code] of cases) {
    it(name, async () => {
      const res = await send();
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status, code });
      expect(res.json().detail).toBeTruthy();
    });
  }

  it('names the known versions for an unknown one', async () => {
    const res = await post('{"schemaVersion":"3.1.4","records":[]}');
    expect(res.json()).toMatchObject({ knownVersions: app.standard.versions, latest: app.standard.latest });
  });

  it('refuses a body over the limit with 413', async () => {
    const small = await testApp(db, {
      config: testConfig({ databaseUrl: db.url, bodyLimitBytes: 1024, decodedBodyLimitBytes: 4096 }),
    });
    const res = await small.inject({
      method: 'POST',
      url: '/v1/validate',
      payload: JSON.stringify({ recordType: 'lot', notes: 'x'.repeat(5000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'RMDX_ERR_BODY_TOO_LARGE' });
  });
});

describe('the published schemas', () => {
  it('GET /v1/schemas lists the versions and their documents', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/schemas' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.latest).toBe(app.standard.latest);
    expect(body.versions.map((v: { version: string }) => v.version)).toEqual(app.standard.versions);
    const docs = body.versions.at(-1).documents as { name: string; id: string; url: string }[];
    expect(docs.map((d) => d.name)).toContain('batch');
    for (const d of docs) expect(d.url.endsWith(new URL(d.id).pathname)).toBe(true);
  });

  it('serves each document at the path of its $id, byte for byte, cacheable', async () => {
    for (const doc of app.standard.get(app.standard.latest).documents) {
      const res = await app.inject({ method: 'GET', url: doc.path });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/schema\+json/);
      expect(res.headers['cache-control']).toMatch(/immutable/);
      expect(res.body).toBe(doc.text);
      expect(res.json().$id).toBe(doc.id);
      const again = await app.inject({
        method: 'GET',
        url: doc.path,
        headers: { 'if-none-match': String(res.headers.etag) },
      });
      expect(again.statusCode).toBe(304);
    }
  });

  it('answers an unknown document or version with a 404 problem', async () => {
    for (const url of ['/schemas/1.0.0/nothing.schema.json', '/schemas/0.0.1/batch.schema.json']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'RMDX_ERR_NOT_FOUND' });
    }
  });
});
