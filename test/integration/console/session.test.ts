import { describe, expect, it } from 'vitest';

import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';

const db = await testDatabase();
const hub = await testHub(db, { redis: false });
const app = hub.app;

function sessionCookie(setCookie: string | string[] | undefined): string {
  const all = [setCookie ?? []].flat();
  const c = all.find((s) => s.startsWith('rmdx_session='));
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(all)}`);
  return c.split(';')[0]!;
}

async function signIn(key: string) {
  const res = await app.inject({ method: 'POST', url: '/console/api/session', payload: { apiKey: key } });
  expect(res.statusCode).toBe(201);
  return { cookie: sessionCookie(res.headers['set-cookie']), csrf: res.json().csrfToken as string, res };
}

describe('console sessions', () => {
  it('exchanges a valid key for an httpOnly, SameSite=Strict session cookie', async () => {
    const { res, cookie } = await signIn(hub.keys.secretariat);
    const raw = [res.headers['set-cookie']].flat().join('\n');
    expect(raw).toMatch(/HttpOnly/);
    expect(raw).toMatch(/SameSite=Strict/);
    expect(raw).toMatch(/Path=\//);
    expect(res.json().principal).toEqual({ name: 'test secretariat', role: 'secretariat', country: null });
    // The key itself is never in the cookie.
    expect(cookie).not.toContain(hub.keys.secretariat);
    const me = await app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().principal.role).toBe('secretariat');
  });

  it('refuses unknown, malformed and revoked keys', async () => {
    for (const apiKey of ['rmdx_' + 'x'.repeat(43), 'not-a-key', hub.keys.revoked]) {
      const res = await app.inject({ method: 'POST', url: '/console/api/session', payload: { apiKey } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('RMDX_ERR_UNAUTHENTICATED');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const cross = await app.inject({
      method: 'POST',
      url: '/console/api/session',
      headers: { 'sec-fetch-site': 'cross-site' },
      payload: { apiKey: hub.keys.secretariat },
    });
    expect(cross.statusCode).toBe(403);
  });

  it('lets the session read the API with the key’s role, and scopes a submitter to its country', async () => {
    const rw = await signIn(hub.keys.RW);
    const own = await app.inject({
      method: 'GET',
      url: '/v1/batches?country=RW',
      headers: { cookie: rw.cookie },
    });
    expect(own.statusCode).toBe(200);
    const other = await app.inject({
      method: 'GET',
      url: '/v1/batches?country=CD',
      headers: { cookie: rw.cookie },
    });
    expect(other.statusCode).toBe(403);
    const keys = await app.inject({ method: 'GET', url: '/v1/keys', headers: { cookie: rw.cookie } });
    expect(keys.statusCode).toBe(403);
    const none = await app.inject({ method: 'GET', url: '/v1/batches' });
    expect(none.statusCode).toBe(401);
  });

  it('requires the CSRF token on every change made with the cookie', async () => {
    const s = await signIn(hub.keys.secretariat);
    const payload = { name: 'made from the console', role: 'auditor' };
    const without = await app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: { cookie: s.cookie },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().detail).toMatch(/CSRF/);
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) },
      payload,
    });
    expect(wrong.statusCode).toBe(403);
    const right = await app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload,
    });
    expect(right.statusCode).toBe(201);
    // A Bearer key needs no CSRF token: it is not sent by the browser on its own.
    const bearerOnly = await app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(hub.keys.secretariat),
      payload: { name: 'by bearer', role: 'auditor' },
    });
    expect(bearerOnly.statusCode).toBe(201);
  });

  it('ends the session on sign-out and when its key is revoked', async () => {
    const a = await signIn(hub.keys.secretariat);
    const out = await app.inject({
      method: 'DELETE',
      url: '/console/api/session',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
    });
    expect(out.statusCode).toBe(204);
    expect([out.headers['set-cookie']].flat().join()).toMatch(/rmdx_session=;/);
    expect(
      (await app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie: a.cookie } }))
        .statusCode,
    ).toBe(401);

    const issued = await app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(hub.keys.secretariat),
      payload: { name: 'soon revoked', role: 'auditor' },
    });
    const b = await signIn(issued.json().key);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/batches', headers: { cookie: b.cookie } })).statusCode,
    ).toBe(200);
    await app.inject({
      method: 'DELETE',
      url: `/v1/keys/${issued.json().apiKey.id}`,
      headers: bearer(hub.keys.secretariat),
    });
    expect(
      (await app.inject({ method: 'GET', url: '/v1/batches', headers: { cookie: b.cookie } })).statusCode,
    ).toBe(401);
  });

  it('ends an idle session and one past its absolute end', async () => {
    const s = await signIn(hub.keys.auditor);
    await db.pool.query(`UPDATE console_sessions SET last_seen_at = now() - interval '2 hours'`);
    expect(
      (await app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(401);
    const t = await signIn(hub.keys.auditor);
    await db.pool.query(
      `UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE ended_at IS NULL`,
    );
    expect(
      (await app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie: t.cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('stores only a hash of the cookie value', async () => {
    const s = await signIn(hub.keys.auditor);
    const value = s.cookie.split('=')[1]!;
    const { rows } = await db.pool.query(`SELECT token_hash FROM console_sessions`);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.token_hash).not.toBe(value);
  });
});

describe('console pages', () => {
  it('serves the page with a strict CSP, in the remembered language, and its bundled assets', async () => {
    const page = await app.inject({ method: 'GET', url: '/console/batches/123' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.body).toMatch(/<html lang="en">/);
    // No asset from anywhere but the hub.
    expect(page.body).not.toMatch(/https?:\/\//);
    const fr = await app.inject({ method: 'GET', url: '/console', headers: { cookie: 'rmdx_lang=fr' } });
    expect(fr.body).toMatch(/<html lang="fr">/);
    const accept = await app.inject({
      method: 'GET',
      url: '/statistics',
      headers: { 'accept-language': 'fr-CD,fr;q=0.9' },
    });
    expect(accept.body).toMatch(/<html lang="fr">/);

    const js = /src="\/console\/assets\/([^"]+)"/.exec(page.body)![1]!;
    const css = /href="\/console\/assets\/([^"]+)"/.exec(page.body)![1]!;
    const script = await app.inject({ method: 'GET', url: `/console/assets/${js}` });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toMatch(/immutable/);
    expect(script.body).not.toMatch(/https?:\/\/(cdn|fonts|unpkg|tile)/);
    const again = await app.inject({
      method: 'GET',
      url: `/console/assets/${js}`,
      headers: { 'if-none-match': script.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect(
      (await app.inject({ method: 'GET', url: `/console/assets/${css}` })).headers['content-type'],
    ).toMatch(/css/);
    expect((await app.inject({ method: 'GET', url: '/console/assets/nope.js' })).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: '/console/assets/..%2F..%2Fpackage.json' })).statusCode,
    ).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/console/api/nothing' })).statusCode).toBe(404);
  });
});
