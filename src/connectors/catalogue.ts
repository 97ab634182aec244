/**
 * The mappings installed with the hub: one folder per national format under the connectors
 * directory (`connectors/<name>/mapping.json` + expressions; RMDX_CONNECTORS_DIR). An instance pins
 * a mapping by name and version; a run refuses a mapping whose installed version differs from the
 * pinned one (adopting a new version is an explicit `rmdx connectors update --mapping`).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConnectorError } from './errors.js';
import { loadMapping, type Mapping } from './mapping/manifest.js';

/** The repository's `connectors/` folder (the reference formats). */
export const defaultConnectorsDir = fileURLToPath(new URL('../../connectors/', import.meta.url));

export interface MappingSummary {
  name: string;
  version: string;
  id: string;
  format: string;
  standardVersion: string;
  description: string | null;
}

export class MappingCatalogue {
  private readonly cache = new Map<string, { mtimeMs: number; mapping: Promise<Mapping> }>();

  constructor(readonly dir: string = defaultConnectorsDir) {}

  /** Names of the folders that hold a mapping.json. */
  async names(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const e of entries.sort()) {
      if (await stat(path.join(this.dir, e, 'mapping.json')).catch(() => undefined)) out.push(e);
    }
    return out;
  }

  async list(): Promise<MappingSummary[]> {
    const out: MappingSummary[] = [];
    for (const name of await this.names()) {
      const m = await this.load(name).catch(() => undefined);
      if (m)
        out.push({
          name: m.manifest.name,
          version: m.manifest.version,
          id: m.id,
          format: m.manifest.format,
          standardVersion: m.manifest.standardVersion,
          description: m.manifest.description ?? null,
        });
    }
    return out;
  }

  /** The installed mapping of that name (loaded once, again when its manifest changes). */
  async load(name: string): Promise<Mapping> {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) {
      throw new ConnectorError('RMDX_CONN_BAD_CONFIG', `"${name}" is not a mapping name`);
    }
    const dir = path.join(this.dir, name);
    const st = await stat(path.join(dir, 'mapping.json')).catch(() => undefined);
    if (!st) {
      const known = await this.names();
      throw new ConnectorError(
        'RMDX_CONN_BAD_CONFIG',
        `no mapping "${name}" is installed (known: ${known.join(', ') || 'none'})`,
      );
    }
    const hit = this.cache.get(name);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit.mapping;
    const mapping = loadMapping(dir);
    mapping.catch(() => this.cache.delete(name));
    this.cache.set(name, { mtimeMs: st.mtimeMs, mapping });
    return mapping;
  }

  /** The mapping an instance pins; refuses another installed version. */
  async pinned(name: string, version: string): Promise<Mapping> {
    const m = await this.load(name);
    if (m.manifest.version !== version) {
      throw new ConnectorError(
        'RMDX_CONN_BAD_CONFIG',
        `this connector pins mapping ${name}@${version} but ${m.id} is installed; adopt it with \`rmdx connectors update <id> --mapping ${m.id}\``,
      );
    }
    return m;
  }

  /** Parses "name" or "name@version" and checks it against what is installed. */
  async resolve(ref: string): Promise<Mapping> {
    const [name, version] = ref.split('@') as [string, string | undefined];
    return version ? this.pinned(name, version) : this.load(name);
  }
}
