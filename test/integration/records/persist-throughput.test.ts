/**
 * Throughput of persistRecords on 50k export rows (opt-in: RMDX_BENCH=1):
 *   RMDX_BENCH=1 npx vitest run test/integration/records/persist-throughput.test.ts
 * Prints, for a first insert, an update of every key (version 2) and a rerun (no change): wall-clock
 * rows/s, and rows per CPU-second of the Postgres backend and of this Node process (the machine is
 * shared and noisy; CPU time is the steadier figure). Baseline in the same run: COPY of the same
 * canonical rows (+ received) into a plain table with the same columns and its unique key.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import copyStreams from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';

import type { PoolClient } from '../../../src/db/pool.js';
import { normaliseRecord } from '../../../src/records/normalise/normalise-record.js';
import { persistRecords, type PersistBatch, type PersistItem } from '../../../src/records/persist.js';
import { tableSpecs } from '../../../src/records/table-specs.js';
import { testDatabase } from '../../helpers/db.js';
import { exportRecord, insertBatch } from './fixtures.js';

const N = Number(process.env.RMDX_BENCH_ROWS ?? 50_000);
const CHUNK = Number(process.env.RMDX_BENCH_CHUNK ?? 5_000);

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

describe.runIf(process.env.RMDX_BENCH)('persist throughput', async () => {
  const db = await testDatabase();

  function items(variant: number): PersistItem[] {
    return Array.from({ length: N }, (_, i) => ({
      recordIndex: i,
      recordType: 'export' as const,
      action: 'upsert' as const,
      record: exportRecord(`E${i}`, {
        mass: 1000 + (i % 977) + variant,
        destinationCountry: ['AE', 'CN', 'BE', 'CH'][i % 4],
        importerName: `Importer ${i % 300} Ltd`,
        lotNumbers: [`L${i}`, `L${i + 1}`],
      }),
    }));
  }

  async function measure(label: string, client: PoolClient, work: () => Promise<void>) {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0]!.pid;
    const pg0 = cpuSeconds(pid);
    const node0 = process.cpuUsage();
    const t0 = performance.now();
    await work();
    const wall = (performance.now() - t0) / 1000;
    const pgCpu = cpuSeconds(pid) - pg0;
    const nodeCpu = (() => {
      const d = process.cpuUsage(node0);
      return (d.user + d.system) / 1e6;
    })();
    console.log(
      `${label.padEnd(26)} ${Math.round(N / wall)
        .toString()
        .padStart(7)} rows/s wall | ${Math.round(N / pgCpu)
        .toString()
        .padStart(7)} rows per Postgres CPU-s | ${Math.round(N / nodeCpu)
        .toString()
        .padStart(7)} rows per Node CPU-s`,
    );
  }

  async function persistAll(client: PoolClient, batch: PersistBatch, list: PersistItem[]) {
    const totals = { inserted: 0, updated: 0, unchanged: 0, voided: 0 };
    for (let s = 0; s < list.length; s += CHUNK) {
      await client.query('BEGIN');
      const counts = await persistRecords(client, batch, list.slice(s, s + CHUNK));
      await client.query('COMMIT');
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += counts.export?.[k] ?? 0;
    }
    return totals;
  }

  it(`${N} exports: insert, update, rerun; COPY baseline`, async () => {
    const client = await db.pool.connect();
    try {
      const b1 = await insertBatch(client);
      const b2 = await insertBatch(client);
      let totals = {} as Awaited<ReturnType<typeof persistAll>>;
      const first = items(0);
      await measure('persist: insert (v1)', client, async () => {
        totals = await persistAll(client, b1, first);
      });
      expect(totals.inserted).toBe(N);
      const second = items(1);
      await measure('persist: update (v2)', client, async () => {
        totals = await persistAll(client, b2, second);
      });
      expect(totals.updated).toBe(N);
      await measure('persist: rerun (no change)', client, async () => {
        totals = await persistAll(client, b2, second);
      });
      expect(totals.unchanged).toBe(N);

      // Baseline: the same canonical rows and received JSON, COPY'd into an equivalent plain table.
      const spec = tableSpecs.export;
      const columns = Object.keys(spec.columns);
      await client.query(
        `CREATE TABLE baseline_exports (LIKE exports INCLUDING DEFAULTS); ALTER TABLE baseline_exports ADD UNIQUE (country, export_id)`,
      );
      const ctx = { reportingCountry: 'RW', period: '2026-03', schemaVersion: '1.0.0' };
      await measure('baseline: COPY same rows', client, async () => {
        for (let s = 0; s < N; s += CHUNK) {
          const lines: string[] = [];
          for (const item of first.slice(s, s + CHUNK)) {
            const row = normaliseRecord('export', item.record, ctx) as unknown as Record<string, unknown>;
            const fields = columns.map((c) => copyText(row[c]));
            fields.push(b1.id, String(b1.seq), String(item.recordIndex), '2026-03', '1.0.0', '1', 'f');
            fields.push(copyText(JSON.stringify(item.record)));
            lines.push(`RW\t${fields.join('\t')}\n`);
          }
          await client.query('BEGIN');
          await pipeline(
            Readable.from([lines.join('')]),
            client.query(
              copyStreams.from(
                `COPY baseline_exports (country, ${columns.join(', ')}, batch_id, batch_seq, record_index, period, schema_version, version, is_void, received) FROM STDIN`,
              ),
            ),
          );
          await client.query('COMMIT');
        }
      });
    } finally {
      client.release();
    }
  });
});

function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (Array.isArray(value))
    return copyText(`{${value.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}
