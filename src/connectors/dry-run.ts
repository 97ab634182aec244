/**
 * Dry run: read a source with a kind, map every row, store nothing. The core of
 * `rmdx connectors test` (phase B wires the CLI and adds the standard's validation report).
 */
import { createLogger, type Logger } from '../logger.js';
import type { AnyConnectorKind, Cursor, FileInput } from './contract.js';
import type { MappingIssue } from './mapping-issues.js';
import type { Mapping } from './mapping/manifest.js';
import {
  createMapper,
  type MapOptions,
  type MappedRecord,
  type MapStats,
  type RowOrigin,
} from './mapping/runtime.js';
import { validateConfig, validateSecrets } from './registry.js';

export interface DryRunInput {
  config: unknown;
  secrets?: unknown;
  /** Start from this cursor (default: from the beginning). */
  cursor?: Cursor | null;
  /** Files, for the file kind with uploads. */
  files?: FileInput[];
  /** Stop after this many source rows. */
  maxRows?: number;
  map?: MapOptions;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface DryRunResult {
  mappingId: string;
  mappingDigest: string;
  records: MappedRecord[];
  origins: RowOrigin[];
  issues: MappingIssue[];
  stats: MapStats;
  pages: number;
  /** The cursor a real run would have stored at the end (informational; nothing is stored). */
  cursor: Cursor | null;
  /** True when maxRows cut the read short. */
  truncated: boolean;
}

export async function dryRunMapping(
  kind: AnyConnectorKind,
  mapping: Mapping,
  input: DryRunInput,
): Promise<DryRunResult> {
  const secrets = input.secrets ?? {};
  validateConfig(kind, input.config);
  validateSecrets(kind, secrets);
  const mapper = createMapper(mapping, input.map);
  const result: DryRunResult = {
    mappingId: mapping.id,
    mappingDigest: mapping.digest,
    records: [],
    origins: [],
    issues: [],
    stats: mapper.totals,
    pages: 0,
    cursor: input.cursor ?? null,
    truncated: false,
  };
  const ctx = {
    logger: input.logger ?? createLogger('silent'),
    ...(input.signal && { signal: input.signal }),
    ...(input.files && { files: input.files }),
  };
  let seen = 0;
  for await (const page of kind.read(input.config, secrets, input.cursor ?? null, ctx)) {
    result.pages++;
    let rows = page.rows;
    if (input.maxRows !== undefined && seen + rows.length > input.maxRows) {
      rows = rows.slice(0, input.maxRows - seen);
      result.truncated = true;
    }
    seen += rows.length;
    const mapped = await mapper.mapPage(rows);
    for (let i = 0; i < mapped.records.length; i++) {
      result.records.push(mapped.records[i]!);
      result.origins.push(mapped.origins[i]!);
    }
    result.issues.push(...mapped.issues);
    if (result.truncated) break;
    result.cursor = page.cursor ?? result.cursor;
  }
  return result;
}
