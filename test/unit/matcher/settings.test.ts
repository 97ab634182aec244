import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../../src/config.js';
import { discrepancyCodes } from '../../../src/matcher/codes.js';
import { modelTable } from '../../../src/matcher/model.js';
import { checkSettings, defaultSettings, settingSpecs, settingsFrom } from '../../../src/matcher/settings.js';

const readme = await readFile(new URL('../../../src/matcher/README.md', import.meta.url), 'utf8');

describe('matcher settings', () => {
  it('defaults are the research’s figures', () => {
    expect(defaultSettings).toMatchObject({
      cifFobFactor: 1.06,
      cifFobBand: { min: 1, max: 1.12 },
      window: { gold: { before: 7, after: 30 }, '3t': { before: 7, after: 120 } },
      certEditDistance: 2,
      qty: { gold: { minor: 0.005, major: 0.02 }, '3t': { minor: 0.02, major: 0.1 } },
      value: { minor: 0.05, major: 0.25 },
      aggregate: { ratio: 1.1, floorKg: { gold: 5, '3t': 5000 } },
      compliance: {
        confirmationCompliant: 0.95,
        confirmationPartial: 0.8,
        reliabilityRatio: 1.1,
        overdueDays: 60,
      },
    });
    expect(checkSettings(defaultSettings)).toEqual([]);
  });

  it('every threshold is an env variable validated at start, documented with its default and source', () => {
    for (const s of settingSpecs) {
      expect(readme).toMatch(new RegExp(`\\|\\s*\`${s.env}\`\\s*\\|\\s*${s.default}\\s*\\|`));
      expect(s.source.length).toBeGreaterThan(3);
    }
    const config = loadConfig({ RMDX_MATCH_CIF_FOB_FACTOR: '1.12', RMDX_MATCH_3T_DAYS_AFTER: '90' });
    expect(config.matcher.cifFobFactor).toBe(1.12);
    expect(config.matcher.window['3t'].after).toBe(90);
    expect(() => loadConfig({ RMDX_MATCH_CIF_FOB_FACTOR: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ RMDX_MATCH_REVIEW_THRESHOLD: '20' })).toThrow(/REVIEW_THRESHOLD/);
    expect(settingsFrom({ RMDX_MATCH_MARGIN: 2 }).margin).toBe(2);
  });

  it('the README lists every code and the model’s levels', () => {
    for (const code of discrepancyCodes) expect(readme).toContain(`| \`${code}\``);
    const m = modelTable();
    for (const level of m.weight) expect(readme).toContain(`${level.level} ${level.m}/${level.u}`);
  });
});
