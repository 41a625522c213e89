/**
 * A browser's view of the JSON API over real HTTP: one session cookie, the CSRF token it was last
 * given (app.md §3.4–§3.5), JSON in and out.
 */
export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

export class ApiClient {
  cookie = '';
  csrf = '';

  constructor(readonly origin: string) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer> {
    const res = await fetch(this.origin + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...this.authHeaders(method),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    this.remember(res);
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (typeof json.csrfToken === 'string' && json.csrfToken) this.csrf = json.csrfToken;
    return { status: res.status, json, headers: res.headers };
  }

  /** The cookie and, for state-changing methods, the CSRF header. */
  authHeaders(method = 'GET'): Record<string, string> {
    return {
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(this.csrf && method !== 'GET' && method !== 'HEAD' ? { 'x-csrf-token': this.csrf } : {}),
    };
  }

  remember(res: Response): void {
    const set = res.headers.getSetCookie().find((c) => /^(__Host-)?loopcast_session=/.test(c));
    if (set) this.cookie = set.split(';')[0] ?? '';
  }

  async login(username: string, password: string): Promise<ApiAnswer> {
    if (!this.csrf) await this.call('GET', '/api/auth/session');
    return this.call('POST', '/api/auth/login', { username, password });
  }
}
