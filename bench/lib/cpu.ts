import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

import type pg from 'pg';

/**
 * CPU seconds used by a set of processes, from /proc (Linux): a steadier figure than wall time on a
 * shared, noisy machine. Postgres is counted as its postmaster with every backend: the live ones,
 * and through the postmaster's cutime/cstime those that have exited.
 */
export interface CpuMeter {
  /** CPU seconds of the hub processes and of Postgres so far. */
  read(): Promise<{ hub: number; postgres: number }>;
}

const TICKS_PER_SECOND =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

interface Stat {
  ppid: number;
  /** utime + stime (own), cutime + cstime (reaped children), in ticks. */
  own: number;
  children: number;
}

function parseStat(text: string): Stat {
  // Fields after "(comm) ": state ppid … utime(14) stime(15) cutime(16) cstime(17), 1-based.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(f[1]),
    own: Number(f[11]) + Number(f[12]),
    children: Number(f[13]) + Number(f[14]),
  };
}

async function statOf(pid: number): Promise<Stat | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a live process has used so far, in ms; undefined without /proc. */
export function processCpuMs(pid: number): number | undefined {
  try {
    return (parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).own * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

async function postgresTicks(postmaster: number): Promise<number> {
  const root = await statOf(postmaster);
  if (!root) return 0;
  let ticks = root.own + root.children;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = await statOf(Number(entry));
    if (s && s.ppid === postmaster) ticks += s.own;
  }
  return ticks;
}

/** Undefined when Postgres runs elsewhere (no /proc entry for its backend). */
export async function cpuMeter(pool: pg.Pool, hubPids: () => number[]): Promise<CpuMeter | undefined> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const backend = await statOf(rows[0]!.pid);
  if (!backend) return undefined;
  const postmaster = backend.ppid;
  return {
    async read() {
      let hub = 0;
      for (const pid of hubPids()) hub += (await statOf(pid))?.own ?? 0;
      return { hub: hub / TICKS_PER_SECOND, postgres: (await postgresTicks(postmaster)) / TICKS_PER_SECOND };
    },
  };
}
