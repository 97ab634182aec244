/**
 * The HTTP app of RMDX listening on a free port in its own process, for bench/validate.ts: the real
 * buildApp (JSON body parser, problem handler, routes), with no database behind it — POST /v1/validate
 * never touches one. Prints `{"port": N}` on stdout once it listens; stops on SIGTERM.
 */
import pg from 'pg';

import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { loadRegistry } from '../../src/standard/registry.js';

const config = loadConfig({
  LOG_LEVEL: 'silent',
  RMDX_BODY_LIMIT_MB: process.env.RMDX_BODY_LIMIT_MB ?? '256',
  RMDX_ISSUE_GROUP_CAP: process.env.RMDX_ISSUE_GROUP_CAP,
});
// Never connected: the route under test needs no database, the app's wiring needs a pool object.
const pool = new pg.Pool({ connectionString: 'postgres://unused@127.0.0.1:9/unused' });
const app = await buildApp({ config, db: pool, logger: createLogger('silent'), registry: loadRegistry() });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as { port: number }).port })}\n`);
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
