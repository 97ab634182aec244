import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (f: string) => readFile(new URL(`../../${f}`, import.meta.url), 'utf8');

describe('packaging', () => {
  it('builds a multi-stage image that runs as a non-root user with a health check and the console assets', async () => {
    const docker = await read('Dockerfile');
    expect(docker.match(/^FROM /gm)).toHaveLength(2);
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    // npm run build writes the console bundle into dist/console/static, which the image copies.
    expect(docker).toMatch(/RUN npm run build/);
    expect(docker).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(docker).toMatch(/COPY scripts \.\/scripts/);
    const pkg = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toMatch(/scripts\/build-console\.ts/);
  });

  it('composes postgres, redis, a server and a worker from the one image', async () => {
    const compose = parse(await read('docker-compose.yml'), { merge: true }) as {
      services: Record<
        string,
        { image?: string; command?: string[]; environment?: Record<string, string>; depends_on?: object }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'redis', 'server', 'worker']);
    const { server, worker } = compose.services;
    expect(server!.image).toBe(worker!.image);
    expect(server!.command).toEqual(['node', 'dist/server.js']);
    expect(worker!.command).toEqual(['node', 'dist/worker.js']);
    for (const s of [server!, worker!]) {
      expect(s.environment!.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(s.environment!.REDIS_URL).toBe('redis://redis:6379');
      expect(Object.keys(s.depends_on!)).toEqual(['postgres', 'redis']);
    }
    expect(server!.environment!.RMDX_WORKERS_IN_SERVER).toBe('false');
  });
});
