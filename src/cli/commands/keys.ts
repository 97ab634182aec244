import type { Command } from 'commander';

import { createApiKey } from '../../auth/keys.js';
import { roles, type Role } from '../../auth/roles.js';
import { listApiKeys, revokeApiKey } from '../../db/queries/api-keys.js';
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
        const { key, row } = await createApiKey(pool, { name: opts.name, role, country });
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
        const row = await revokeApiKey(pool, id);
        if (!row) throw new Error(`no key ${id}`);
        console.log(`revoked ${row.id} (${row.name})`);
      });
    });
}
