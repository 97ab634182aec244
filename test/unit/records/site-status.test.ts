import { describe, expect, it } from 'vitest';

import { siteStatusAt, type SiteVersionEvidence } from '../../../src/records/site-status.js';

function version(
  status: string,
  statusSince: string | null,
  batchSeq: number,
  extra: Partial<SiteVersionEvidence> = {},
): SiteVersionEvidence {
  return { action: 'upsert', status, statusSince, period: '2025-01', batchSeq, recordIndex: 0, ...extra };
}

describe('siteStatusAt', () => {
  it('follows dated changes: green since January, red since June', () => {
    const versions = [version('green', '2025-01-10', 1), version('red', '2025-06-01', 2)];
    expect(siteStatusAt('2025-03-01', versions, [])).toEqual({
      status: 'green',
      basis: 'site_record',
      evidenceDate: '2025-01-10',
    });
    expect(siteStatusAt('2025-06-01', versions, []).status).toBe('red');
  });

  it('a later version correcting the past overrides from its own date on', () => {
    const versions = [version('green', '2025-01-10', 1), version('red', '2024-06-01', 2)];
    expect(siteStatusAt('2025-03-01', versions, []).status).toBe('red');
    expect(siteStatusAt('2024-01-01', versions, [])).toEqual({
      status: null,
      basis: 'unknown',
      evidenceDate: null,
    });
  });

  it('an undated version speaks from the first day of its report month', () => {
    const versions = [version('yellow', null, 1, { period: '2025-04' })];
    expect(siteStatusAt('2025-04-15', versions, [])).toEqual({
      status: 'yellow',
      basis: 'site_record_period',
      evidenceDate: '2025-04-01',
    });
    expect(siteStatusAt('2025-03-31', versions, []).status).toBeNull();
  });

  it('a more recent inspection wins; on the same day the site record wins', () => {
    const versions = [version('green', '2025-01-10', 1)];
    expect(siteStatusAt('2025-03-01', versions, [{ date: '2025-02-01', result: 'red' }])).toEqual({
      status: 'red',
      basis: 'inspection',
      evidenceDate: '2025-02-01',
    });
    expect(siteStatusAt('2025-03-01', versions, [{ date: '2025-01-10', result: 'red' }]).status).toBe(
      'green',
    );
    expect(siteStatusAt('2025-01-05', versions, [{ date: '2025-01-01', result: 'yellow' }]).basis).toBe(
      'inspection',
    );
  });

  it('ignores voids, unknown statuses and evidence after the date', () => {
    const versions = [
      version('green', '2025-01-01', 1, { action: 'void' }),
      version('purple', '2025-01-01', 2),
      version('red', '2025-05-01', 3),
    ];
    expect(siteStatusAt('2025-03-01', versions, [{ date: '2025-04-01', result: 'green' }]).status).toBeNull();
  });
});
