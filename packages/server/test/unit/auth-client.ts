/** A tiny browser for inject tests: keeps the login cookie and sends the CSRF token it was given. */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

export class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  /** The user id of the last SessionInfo seen. */
  lastUserId = 0;
  constructor(private readonly app: FastifyInstance) {}

  async request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    const res = await this.app.inject({
      method,
      url,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
    });
    for (const c of res.cookies) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    if (res.statusCode === 200 && url.startsWith('/api/auth/')) {
      const info = res.json<{ csrfToken?: unknown; user?: { id: number } | null }>();
      if (typeof info.csrfToken === 'string' && info.csrfToken) this.csrf = info.csrfToken;
      if (info.user) this.lastUserId = info.user.id;
    }
    return res;
  }

  /** GET /api/auth/session: picks up the anonymous cookie and its CSRF token. */
  session() {
    return this.request('GET', '/api/auth/session');
  }

  async login(username: string, password: string) {
    if (!this.csrf) await this.session();
    return this.request('POST', '/api/auth/login', { username, password });
  }
}
