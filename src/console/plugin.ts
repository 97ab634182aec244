import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

import { hashApiKey, looksLikeApiKey } from '../auth/api-key.js';
import { findActiveKeyByHash } from '../db/queries/api-keys.js';
import { apiError } from '../errors.js';
import { loadConsoleAssets, type ConsoleAssets } from './assets.js';
import { completenessRoutes } from './completeness.js';
import { corridorRoutes } from './corridors.js';
import {
  createSession,
  csrfMatches,
  endSession,
  findLiveSession,
  looksLikeSessionToken,
  purgeOldSessions,
  type SessionRow,
} from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request was authenticated by a console session cookie (not a Bearer key). */
    consoleSession: SessionRow | null;
  }
}

export const SESSION_COOKIE = 'rmdx_session';
export const LANG_COOKIE = 'rmdx_lang';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The console's content security policy: every script, style, image and font comes from the hub
 * itself (no CDN, no inline script), and no other site may frame it.
 */
export const consoleCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function principalView(s: { name: string; role: string; country: string | null }) {
  return { name: s.name, role: s.role, country: s.country };
}

/** `en` or `fr`: the remembered choice, else the browser's preference, else English. */
export function pageLanguage(request: FastifyRequest): 'en' | 'fr' {
  const chosen = request.cookies?.[LANG_COOKIE];
  if (chosen === 'en' || chosen === 'fr') return chosen;
  const accept = String(request.headers['accept-language'] ?? '');
  const first = accept.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('fr') ? 'fr' : 'en';
}

/**
 * The Secretariat's console at /console and the public statistics page at /statistics.
 *
 * Sign-in exchanges an API key for a session: the key is checked once, the browser keeps only an
 * httpOnly, SameSite=Strict cookie naming the session, and the key's role and country govern what the
 * session may see. Every `/v1` route accepts the session in place of a Bearer key, so the console reads
 * the same API as any client; a state-changing request made with the cookie must also carry the
 * session's CSRF token in `X-CSRF-Token` (synchronizer token), or it is refused.
 */
export const consolePlugin = fp(
  async (app: FastifyInstance) => {
    const config = app.config;
    if (!app.hasDecorator('parseCookie')) await app.register(cookie);
    app.decorateRequest('consoleSession', null);
    const secure = config.publicUrl.startsWith('https://');

    // Runs after the auth plugin's hook: a Bearer key wins; otherwise the session cookie may stand in.
    app.addHook('onRequest', async (request) => {
      if (request.principal) return;
      // Signing in replaces whatever session the browser had; it needs no token of the old one.
      if (request.method === 'POST' && request.routeOptions.url === '/console/api/session') return;
      const token = request.cookies[SESSION_COOKIE];
      if (!token || !looksLikeSessionToken(token)) return;
      const session = await findLiveSession(app.db, token, config.sessionIdleMinutes);
      if (!session) return;
      request.consoleSession = session;
      request.principal = {
        keyId: session.key_id,
        name: session.name,
        role: session.role,
        country: session.country,
      };
      if (!safeMethods.has(request.method)) {
        const given = request.headers['x-csrf-token'];
        if (!csrfMatches(session.csrf_token, typeof given === 'string' ? given : undefined)) {
          throw apiError(
            'RMDX_ERR_FORBIDDEN',
            'A change made with a console session must carry the session’s X-CSRF-Token header',
          );
        }
      }
    });

    // Ended and expired sessions are removed now and then, never on the request path.
    const purge = setInterval(
      () => void purgeOldSessions(app.db).catch((err: Error) => app.log.warn({ err }, 'session purge')),
      60 * 60 * 1000,
    );
    purge.unref();
    app.addHook('onClose', async () => clearInterval(purge));

    const setSessionCookie = (reply: FastifyReply, token: string, expires: Date) =>
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure,
        expires,
      });

    app.post<{ Body: { apiKey: string } }>(
      '/console/api/session',
      {
        schema: {
          hide: true,
          body: {
            type: 'object',
            required: ['apiKey'],
            additionalProperties: false,
            properties: { apiKey: { type: 'string', minLength: 1, maxLength: 200 } },
          },
        },
      },
      async (request, reply) => {
        // Login CSRF: a page of another site must not sign this browser in with the attacker's key.
        if (request.headers['sec-fetch-site'] === 'cross-site') {
          throw apiError('RMDX_ERR_FORBIDDEN', 'Sign in from the console itself');
        }
        const key = request.body.apiKey.trim();
        const row = looksLikeApiKey(key) ? await findActiveKeyByHash(app.db, hashApiKey(key)) : undefined;
        if (!row) throw apiError('RMDX_ERR_UNAUTHENTICATED', 'This API key is unknown or has been revoked');
        const session = await createSession(app.db, {
          keyId: row.id,
          maxHours: config.sessionMaxHours,
          userAgent: request.headers['user-agent'],
        });
        request.log.info({ keyId: row.id, sessionId: session.row.id }, 'console sign-in');
        setSessionCookie(reply, session.token, session.row.expiresAt);
        return reply.status(201).send({
          principal: principalView(row),
          csrfToken: session.csrfToken,
          expiresAt: session.row.expiresAt.toISOString(),
        });
      },
    );

    app.get('/console/api/session', { schema: { hide: true } }, async (request) => {
      const s = request.consoleSession;
      if (!s) throw apiError('RMDX_ERR_UNAUTHENTICATED', 'Not signed in to the console');
      return {
        principal: principalView(s),
        csrfToken: s.csrf_token,
        expiresAt: s.expires_at.toISOString(),
      };
    });

    app.delete('/console/api/session', { schema: { hide: true } }, async (request, reply) => {
      const s = request.consoleSession;
      if (s) {
        await endSession(app.db, s.id);
        request.log.info({ sessionId: s.id }, 'console sign-out');
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure });
      return reply.status(204).send();
    });

    await app.register(completenessRoutes);
    await app.register(corridorRoutes);

    // Pages and assets. The bundle is read (or, from sources, built) on first use, once per process.
    let assets: Promise<ConsoleAssets> | undefined;
    const getAssets = () => {
      assets ??= loadConsoleAssets(app.log).catch((err: Error) => {
        assets = undefined;
        throw err;
      });
      return assets;
    };

    const sendPage = async (request: FastifyRequest, reply: FastifyReply) => {
      const a = await getAssets();
      const lang = pageLanguage(request);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('content-security-policy', consoleCsp)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .send(a.page(lang));
    };
    app.get('/console', { schema: { hide: true } }, sendPage);
    app.get('/console/*', { schema: { hide: true } }, async (request, reply) => {
      const rest = (request.params as { '*': string })['*'];
      if (rest.startsWith('assets/')) {
        const a = await getAssets();
        const asset = a.files.get(rest.slice('assets/'.length));
        if (!asset) throw apiError('RMDX_ERR_NOT_FOUND', `No console asset ${rest}`);
        if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
        return reply
          .type(asset.type)
          .header('etag', asset.etag)
          .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
          .header('x-content-type-options', 'nosniff')
          .send(asset.body);
      }
      if (rest.startsWith('api/')) throw apiError('RMDX_ERR_NOT_FOUND', `No console API ${rest}`);
      return sendPage(request, reply);
    });
    app.get('/statistics', { schema: { hide: true } }, sendPage);
  },
  { name: 'console', dependencies: ['auth'] },
);
