/**
 * npm run gen:scenario -- --seed N [--out DIR] [--per-month N]
 *
 * Writes a labelled year of synthetic regional trade for the matcher's evaluation (scripts/lib/scenario.ts):
 * the batches, one file per state and month in submission order (`batches/NNN-<country>-<period>.json`,
 * each a batch document of standard 1.0.0), and `labels.json` (true links with the stage expected to
 * find them, true codes per item, states seeded non-compliant, the scenarios seeded).
 * `npm run eval:match -- --dir DIR` submits them through the API and scores the matcher.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { generateScenario } from './lib/scenario.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    'per-month': { type: 'string', default: '20' },
  },
});

async function main() {
  const seed = Number(args.seed);
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  const dir = path.resolve(args.out ?? `.rmdx/scenarios/seed-${seed}`);
  const { batches, labels } = generateScenario(seed, Number(args['per-month']));
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'batches'), { recursive: true });
  let n = 0;
  for (const b of batches) {
    n++;
    const doc = {
      schemaVersion: '1.0.0',
      reportingCountry: b.country,
      period: b.period,
      submissionRef: `scenario-${seed}-${b.country}-${b.period}`,
      records: b.records,
    };
    await writeFile(
      path.join(dir, 'batches', `${String(n).padStart(3, '0')}-${b.country}-${b.period}.json`),
      JSON.stringify(doc),
    );
  }
  await writeFile(path.join(dir, 'labels.json'), JSON.stringify(labels, null, 1));
  const records = batches.reduce((a, b) => a + b.records.length, 0);
  const byCode = new Map<string, number>();
  for (const c of labels.codes) byCode.set(c.code, (byCode.get(c.code) ?? 0) + 1);
  console.log(
    `scenario seed ${seed}: ${batches.length} batches, ${records} records, ${labels.states.length} states × ${labels.months.length} months → ${dir}`,
  );
  console.log(
    `  true links: ${labels.links.length} (${labels.links.filter((l) => l.stage === 1).length} by certificate, ${labels.links.filter((l) => l.stage === 2).length} for stage 2, ${labels.links.filter((l) => l.imports.length > 1).length} split)`,
  );
  console.log(
    `  true codes: ${[...byCode.entries()]
      .sort()
      .map(([c, k]) => `${c} ${k}`)
      .join(', ')}`,
  );
  console.log(
    `  seeded non-compliant: ${labels.nonCompliant.map((x) => `${x.country} (${x.why})`).join('; ')}`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
