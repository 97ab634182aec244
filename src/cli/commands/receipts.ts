import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';

import { verifyReceipt, type VerifyResult } from '../../evidence/receipts.js';
import { evidenceFromConfig } from '../../evidence/index.js';
import { loadConfig } from '../../config.js';

const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${what} ${file} is not JSON: ${(err as Error).message}`);
  }
}

/** A receipt file may hold one receipt, a POST /v1/batches answer, or a GET …/receipts answer. */
export function receiptsIn(doc: unknown): unknown[] {
  if (doc && typeof doc === 'object') {
    const d = doc as Record<string, unknown>;
    if (Array.isArray(d.items)) return d.items;
    if (d.receipt && typeof d.receipt === 'object') return [d.receipt];
    if (Array.isArray(doc)) return doc;
  }
  return [doc];
}

async function fetchKeys(url: string): Promise<{ keys: unknown[] }> {
  const target = new URL('/v1/receipt-keys', url.endsWith('/') ? url : `${url}/`);
  const res = await fetch(target, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${target.href} answered ${res.status}`);
  return (await res.json()) as { keys: unknown[] };
}

/** `rmdx receipts …`: verify receipts offline; list and rotate the hub's signing keys. */
export function registerReceiptCommands(program: Command): void {
  const receipts = program
    .command('receipts')
    .description('verify signed receipts offline; show and rotate the receipt signing keys');

  receipts
    .command('verify <file>')
    .description(
      'verify a receipt (or a POST /v1/batches answer, or a GET /v1/batches/{id}/receipts answer) against the hub keys',
    )
    .option('--keys <jwks.json>', 'the JWK set saved from GET /v1/receipt-keys (fully offline)')
    .option('--url <hub>', 'fetch the JWK set from this hub, e.g. https://rmdx.icglr.org')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { keys?: string; url?: string; json?: boolean }) => {
      try {
        if (!opts.keys && !opts.url) throw new UsageError('give --keys <jwks.json> (offline) or --url <hub>');
        if (opts.keys && opts.url) throw new UsageError('give either --keys or --url, not both');
        const jwks = opts.keys
          ? ((await readJson(opts.keys, 'key set')) as { keys: unknown[] })
          : await fetchKeys(opts.url!);
        if (!jwks || !Array.isArray(jwks.keys)) throw new UsageError('the key set has no "keys" array');
        const list = receiptsIn(await readJson(file, 'receipt'));
        const results: (VerifyResult & { batchId?: string; kind?: string })[] = list.map((r) => {
          const p = (r as { payload?: { batchId?: string; kind?: string } } | null)?.payload;
          return { ...verifyReceipt(r, jwks), batchId: p?.batchId, kind: p?.kind };
        });
        if (opts.json) console.log(JSON.stringify({ ok: results.every((r) => r.ok), results }, null, 2));
        else
          for (const r of results) {
            console.log(
              r.ok
                ? `valid    ${r.kind ?? '?'} receipt of batch ${r.batchId ?? '?'} (key ${r.kid}${r.keyStatus === 'retired' ? ', retired since' : ''})`
                : `INVALID  ${r.kind ?? '?'} receipt of batch ${r.batchId ?? '?'}: ${r.reason}`,
            );
          }
        if (!results.every((r) => r.ok)) process.exitCode = EXIT_INVALID;
      } catch (err) {
        if (err instanceof UsageError) {
          console.error(`rmdx receipts verify: ${err.message}`);
          process.exitCode = EXIT_USAGE;
          return;
        }
        throw err;
      }
    });

  receipts
    .command('keys')
    .description('print the JWK set (public keys only) from the database, as GET /v1/receipt-keys serves it')
    .action(async () => {
      // Loaded here: the database modules are not needed (or loaded) to verify offline.
      const { withDatabase } = await import('../with-database.js');
      await withDatabase(async ({ pool }) => {
        const evidence = evidenceFromConfig(loadConfig());
        await evidence.init(pool);
        console.log(JSON.stringify(await evidence.jwks(pool), null, 2));
      });
    });

  receipts
    .command('rotate-key')
    .description('retire the active signing key (it stays published for verification) and activate a new one')
    .action(async () => {
      const { withDatabase } = await import('../with-database.js');
      await withDatabase(async ({ pool }) => {
        const evidence = evidenceFromConfig(loadConfig());
        await evidence.init(pool);
        const { previous, current } = await evidence.rotateKey(pool, 'cli');
        console.log(`active key ${current}${previous ? ` (retired ${previous}; still published)` : ''}`);
      });
    });
}
