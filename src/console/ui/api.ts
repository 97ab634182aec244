/** The console reads the hub's own /v1 API with its session cookie; changes carry the CSRF token. */

export interface Principal {
  name: string;
  role: 'secretariat' | 'auditor' | 'submitter';
  country: string | null;
}

export interface Session {
  principal: Principal;
  csrfToken: string;
  expiresAt: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

let csrfToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the API says the session is gone (expired, signed out elsewhere, key revoked). */
export function onSessionLost(fn: () => void): void {
  onUnauthenticated = fn;
}

export async function api<T>(
  path: string,
  opts: { method?: string; body?: unknown; quiet401?: boolean } = {},
): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const p = (data ?? {}) as { code?: string; detail?: string; title?: string };
    if (res.status === 401 && !opts.quiet401) onUnauthenticated?.();
    throw new ApiProblem(res.status, p.code ?? 'HTTP_' + res.status, p.detail ?? p.title ?? res.statusText);
  }
  return data as T;
}

/** Builds a query string from the set values only. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}
