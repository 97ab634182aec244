import type { Command } from 'commander';

import { createApiKey } from '../../auth/keys.js';
import { roles, type Role } from '../../auth/roles.js';
import { getApiKey, listApiKeys, revokeApiKey } from '../../db/queries/api-keys.js';
import { withTransaction } from '../../db/pool.js';
import { appendAudit } from '../../evidence/audit.js';
import { withDatabase } from '../with-database.js';

/** `rmdx keys …`: issue, list and revoke API keys directly in the database. */
export function registerKeyCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description('issue, list and revoke API keys (talks to the database directly)');

  keys
    .command('create')
    .description('issue a key; it is printed once and only its hash is stored')
    .requiredOption('--role <role>', `one of ${roles.join(', ')}`)
    .option('--country <code>', 'member state of a submitter key (e.g. RW)')
    .requiredOption('--name <name>', 'who or what will use the key')
    .option('--json', 'print JSON')
    .action(async (opts: { role: string; country?: string; name: string; json?: boolean }) => {
      if (!roles.includes(opts.role as Role)) throw new Error(`--role must be one of ${roles.join(', ')}`);
      const role = opts.role as Role;
      const country = opts.country?.toUpperCase();
      if (role === 'submitter' && !country) throw new Error('a submitter key needs --country');
      if (role !== 'submitter' && country)
        throw new Error(`a ${role} key acts for the whole region; leave out --country`);
      await withDatabase(async ({ pool, registry }) => {
        if (country && !registry.get(registry.latest).codelists.memberState.has(country)) {
          throw new Error(`--country ${country} is not a member state of the standard`);
        }
        const { key, row } = await withTransaction(pool, async (client) => {
          const issued = await createApiKey(client, { name: opts.name, role, country });
          await appendAudit(client, {
            type: 'key.issued',
            actor: 'cli',
            subject: `key:${issued.row.id}`,
            data: { name: opts.name, role, country: issued.row.country, prefix: issued.row.key_prefix },
          });
          return issued;
        });
        if (opts.json)
          console.log(
            JSON.stringify({ key, id: row.id, role: row.role, country: row.country, name: row.name }),
          );
        else {
          console.log(key);
          console.error(
            `Issued ${row.role} key ${row.id}${row.country ? ` for ${row.country}` : ''} ("${row.name}"). It is shown only now.`,
          );
        }
      });
    });

  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .option('--all', 'include revoked keys')
    .action(async (opts: { all?: boolean }) => {
      await withDatabase(async ({ pool }) => {
        const rows = await listApiKeys(pool, { includeRevoked: Boolean(opts.all) });
        for (const r of rows) {
          console.log(
            [
              r.id,
              r.key_prefix + '…',
              r.role,
              r.country ?? '--',
              r.revoked_at ? `revoked ${r.revoked_at.toISOString()}` : 'active',
              r.name,
            ].join('\t'),
          );
        }
      });
    });

  keys
    .command('revoke <id>')
    .description('revoke a key at once')
    .action(async (id: string) => {
      await withDatabase(async ({ pool }) => {
        const row = await withTransaction(pool, async (client) => {
          const before = await getApiKey(client, id);
          if (!before) return undefined;
          const revoked = (await revokeApiKey(client, id))!;
          if (!before.revoked_at) {
            await appendAudit(client, {
              type: 'key.revoked',
              actor: 'cli',
              subject: `key:${id}`,
              data: { name: revoked.name, role: revoked.role, country: revoked.country },
            });
          }
          return revoked;
        });
        if (!row) throw new Error(`no key ${id}`);
        console.log(`revoked ${row.id} (${row.name})`);
      });
    });
}
