import { type Command, Option } from 'commander';

import { checkVersion, type CompatResult } from '../../standard/compat-check.js';
import { defaultSchemasDir, loadRegistry } from '../../standard/registry.js';

interface SchemasOptions {
  schemasDir: string;
  format: 'text' | 'json';
}

function printResult(r: CompatResult) {
  if (!r.from) {
    console.log(`${r.to}: the first published version, nothing to compare with.`);
    return;
  }
  if (!r.checked) {
    console.log(`${r.from} → ${r.to}: a major version; breaking changes are allowed (it ships an upgrade).`);
    return;
  }
  const verdict = r.violations.length === 0 ? 'compatible' : `${r.violations.length} violation(s)`;
  console.log(`${r.from} → ${r.to} (${r.bump}): ${verdict}`);
  for (const v of r.violations) console.log(`  ✗ ${v.schema} ${v.pointer}: ${v.message} [${v.kind}]`);
  for (const a of r.additions) console.log(`  + ${a}`);
  if (r.violations.length > 0) {
    console.log(
      `A ${r.bump} version may only add optional fields and codes; publish these changes as a new major version.`,
    );
  }
}

/** `rmdx schemas …`: the published standard. */
export function registerSchemasCommands(program: Command): void {
  const schemas = program.command('schemas').description('the published versions of the standard');

  schemas
    .command('list')
    .description('list the published versions and their documents')
    .option('--schemas-dir <dir>', 'the folder of published schema versions', defaultSchemasDir)
    .action((opts: { schemasDir: string }) => {
      const registry = loadRegistry(opts.schemasDir);
      for (const v of registry.versions) {
        const docs = registry.get(v).documents;
        console.log(`${v}${v === registry.latest ? ' (latest)' : ''}`);
        for (const d of docs) console.log(`  ${d.path}`);
      }
    });

  schemas
    .command('check')
    .description(
      'compile every version, then compare a version with its predecessor: a minor or patch version may only add optional fields and codes (exit 1 on a violation)',
    )
    .option('--version <version>', 'the version to check (default: the latest)')
    .option('--schemas-dir <dir>', 'the folder of published schema versions', defaultSchemasDir)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: SchemasOptions & { version?: string }) => {
      // Every version must compile in strict mode before its changes mean anything.
      loadRegistry(opts.schemasDir);
      const result = checkVersion(opts.schemasDir, opts.version);
      if (opts.format === 'json') console.log(JSON.stringify(result, null, 2));
      else printResult(result);
      process.exitCode = result.violations.length > 0 ? 1 : 0;
    });
}
