/** A tiny browser for inject tests: keeps the login cookie and sends the CSRF token it was given. */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

export class Browser {
  cookies = new Map<string, string>();
  csrf = '';
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
    const token =
      res.statusCode === 200 ? (res.json<{ csrfToken?: unknown }>()?.csrfToken ?? undefined) : undefined;
    if (typeof token === 'string' && token) this.csrf = token;
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
