import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

import { hashApiKey, looksLikeApiKey } from '../../auth/api-key.js';
import type { Principal, Role } from '../../auth/roles.js';
import { findActiveKeyByHash } from '../../db/queries/api-keys.js';
import { apiError } from '../../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, or null when the request carries no credentials. */
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** A route onRequest hook (before the body is read or validated): the request must carry a valid key with one of these roles. */
    requireRole(...roles: Role[]): (request: FastifyRequest) => Promise<void>;
  }
}

/** The caller a request must have; throws 401/403 problems. */
export function assertRole(request: FastifyRequest, roles: readonly Role[]): Principal {
  const p = request.principal;
  if (!p)
    throw apiError(
      'RMDX_ERR_UNAUTHENTICATED',
      'This route needs an API key: send Authorization: Bearer <key>',
    );
  if (!roles.includes(p.role)) {
    throw apiError(
      'RMDX_ERR_FORBIDDEN',
      `This route needs the ${roles.join(' or ')} role; this key has the ${p.role} role`,
    );
  }
  return p;
}

/**
 * Resolves `Authorization: Bearer <key>` to a principal on every request. A malformed, unknown or
 * revoked key is a 401 even on public routes, so a client learns at once that its key is wrong.
 */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (!header) return;
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m || !looksLikeApiKey(m[1]!)) {
        throw apiError(
          'RMDX_ERR_UNAUTHENTICATED',
          'The Authorization header must be "Bearer <api key>" with an RMDX key',
        );
      }
      const row = await findActiveKeyByHash(app.db, hashApiKey(m[1]!));
      if (!row) throw apiError('RMDX_ERR_UNAUTHENTICATED', 'This API key is unknown or has been revoked');
      request.principal = { keyId: row.id, name: row.name, role: row.role, country: row.country };
    });
    app.decorate('requireRole', (...roles: Role[]) => async (request: FastifyRequest) => {
      assertRole(request, roles);
    });
  },
  { name: 'auth' },
);
