import type { FastifyPluginAsync } from 'fastify';

/** Liveness needs nothing; readiness checks every dependency the hub cannot work without. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, 'ok' | string> = {};
    try {
      await app.db.query('SELECT 1');
      checks.database = 'ok';
    } catch (err) {
      checks.database = (err as Error).message;
    }
    if (app.pipeline) {
      checks.pipeline = await app.pipeline.health().catch((err: Error) => err.message);
    }
    const ready = Object.values(checks).every((c) => c === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
};
