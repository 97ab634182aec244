import { describe, expect, it } from 'vitest';

import {
  connectorKinds,
  getKind,
  validateConfig,
  validateSecrets,
} from '../../../src/connectors/registry.js';

describe('connector kinds registry', () => {
  it('knows http-json and file, each with config and secrets schemas', () => {
    expect([...connectorKinds.keys()].sort()).toEqual(['file', 'http-json']);
    for (const kind of connectorKinds.values()) {
      expect(kind.configSchema).toHaveProperty('type', 'object');
      expect(kind.secretsSchema).toHaveProperty('type', 'object');
    }
    expect(() => getKind('ftp')).toThrow(/unknown connector kind "ftp"/);
  });

  it('validates an http-json configuration and says where it is wrong', () => {
    const kind = getKind('http-json');
    expect(() =>
      validateConfig(kind, {
        baseUrl: 'https://rmd.example.gov.rw/api/v1/',
        streams: [{ name: 'lots', path: 'lots' }],
        pagination: { style: 'keyset', limit: 100 },
        cursor: { lookbackSeconds: 600 },
        auth: { type: 'bearer' },
      }),
    ).not.toThrow();
    try {
      validateConfig(kind, {
        baseUrl: 'ftp://x',
        streams: [],
        pagination: { style: 'cursorish' },
        token: 'abc',
      });
      expect.unreachable();
    } catch (err) {
      const e = err as { code: string; details: { problems: { path: string }[] } };
      expect(e.code).toBe('RMDX_CONN_BAD_CONFIG');
      const paths = e.details.problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['/baseUrl', '/streams', '/pagination/style', '/']));
    }
  });

  it('validates secrets without ever quoting them', () => {
    const kind = getKind('http-json');
    expect(() => validateSecrets(kind, { token: 'abc123' })).not.toThrow();
    try {
      validateSecrets(kind, { token: 'abc123', apiKey: 'sk-very-secret' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('sk-very-secret');
      expect((err as Error).message).toMatch(/apiKey/);
    }
  });

  it('validates a file configuration', () => {
    const kind = getKind('file');
    expect(() => validateConfig(kind, { source: { type: 'upload' } })).not.toThrow();
    expect(() =>
      validateConfig(kind, {
        source: { type: 'folder', path: '/srv/rmd/exports', pattern: '*.csv' },
        csv: { encoding: 'windows-1252' },
      }),
    ).not.toThrow();
    expect(() => validateConfig(kind, { source: { type: 'folder' } })).toThrow(/not valid/);
    expect(() => validateConfig(kind, { source: { type: 'upload' }, csv: { encoding: 'ebcdic' } })).toThrow(
      /not valid/,
    );
  });
});
