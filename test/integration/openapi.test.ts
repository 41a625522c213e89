/**
 * The OpenAPI description (app.md §4.1): `GET /api/openapi.json` is a valid OpenAPI 3.1 document,
 * every `/api` route of the route table appears in it with an operationId and a summary and its
 * declared permission as `x-loopcast-permission`, the streaming routes sit under the tag
 * `streaming`, the security schemes name the cookie, the CSRF header and bearer tokens, and the
 * document is served `no-cache` with an ETag. `/api/docs` serves the browser from local files
 * under a CSP without inline scripts.
 *
 * Validity is checked structurally here (the rules of OpenAPI 3.1 §4.8 that a generator can get
 * wrong: version, info, path templates and their parameters, unique operationIds, responses,
 * security requirements naming declared schemes, resolvable `$ref`s, no 3.0-only `nullable`);
 * when Python's openapi-spec-validator is installed it validates the document as well.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/loopcast.js';

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses?: Json;
  security?: Record<string, string[]>[];
  'x-loopcast-permission'?: string;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Json>; schemas?: Json };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let server: TestServer;
let doc: Document;
let etag: string;

before(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.origin}/api/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  etag = res.headers.get('etag') ?? '';
  doc = (await res.json()) as Document;
});
after(() => server?.stop());

/** `/api/users/:id` → `/api/users/{id}`, as the document writes paths. */
const openapiPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{path}');

/** Every problem of the document against the rules listed in the file comment. */
function structuralProblems(d: Document): string[] {
  const problems: string[] = [];
  if (!/^3\.1\.\d+$/.test(d.openapi)) problems.push(`openapi is ${d.openapi}, not 3.1.x`);
  if (typeof d.info?.title !== 'string' || typeof d.info?.version !== 'string') {
    problems.push('info.title and info.version must be strings');
  }
  const schemes = d.components?.securitySchemes ?? {};
  const ids = new Map<string, string>();
  for (const [path, item] of Object.entries(d.paths)) {
    if (!path.startsWith('/')) problems.push(`path ${path} does not start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.includes(method)) {
        problems.push(`${where}: unknown method`);
        continue;
      }
      if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${where}: no responses`);
      for (const [code, response] of Object.entries(op.responses ?? {})) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) problems.push(`${where}: response key ${code}`);
        if (typeof (response as Json).description !== 'string') {
          problems.push(`${where}: response ${code} has no description`);
        }
      }
      if (op.operationId) {
        const seen = ids.get(op.operationId);
        if (seen) problems.push(`${where}: operationId ${op.operationId} also used by ${seen}`);
        ids.set(op.operationId, where);
      }
      const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
      for (const name of templated) {
        const p = pathParams.find((x) => x.name === name);
        if (!p) problems.push(`${where}: path parameter {${name}} is not declared`);
        else if (p.required !== true) problems.push(`${where}: path parameter ${name} must be required`);
      }
      for (const p of pathParams) {
        if (!templated.includes(p.name)) problems.push(`${where}: path parameter ${p.name} not in the path`);
      }
      for (const p of op.parameters ?? []) {
        if (!['query', 'header', 'path', 'cookie'].includes(p.in))
          problems.push(`${where}: parameter in ${p.in}`);
      }
      for (const requirement of op.security ?? []) {
        for (const name of Object.keys(requirement)) {
          if (!schemes[name]) problems.push(`${where}: security scheme ${name} is not declared`);
        }
      }
    }
  }
  // Every $ref resolves inside the document; `nullable` is OpenAPI 3.0 and means nothing in 3.1.
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const target = v.startsWith('#/')
          ? v
              .slice(2)
              .split('/')
              .reduce<unknown>((o, key) => (o as Json | undefined)?.[key], d)
          : undefined;
        if (target === undefined) problems.push(`${at}: $ref ${v} does not resolve`);
      } else if (k === 'nullable') problems.push(`${at}: nullable is not OpenAPI 3.1`);
      else walk(v, `${at}/${k}`);
    }
  };
  walk(d.paths, '#/paths');
  walk(d.components, '#/components');
  return problems;
}

describe('GET /api/openapi.json', () => {
  it('is a structurally valid OpenAPI 3.1 document', () => {
    assert.deepEqual(structuralProblems(doc), []);
    assert.ok(Object.keys(doc.paths).length >= 20, `only ${Object.keys(doc.paths).length} paths`);
  });

  it('passes openapi-spec-validator when it is installed', (t) => {
    const probe = spawnSync('python3', ['-c', 'import openapi_spec_validator'], { stdio: 'ignore' });
    if (probe.status !== 0) {
      t.skip('python3 with openapi-spec-validator is not installed (pip install openapi-spec-validator)');
      return;
    }
    const check = spawnSync(
      'python3',
      ['-c', 'import json,sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(sys.stdin))'],
      { input: JSON.stringify(doc), encoding: 'utf8', timeout: 20_000 },
    );
    assert.equal(check.status, 0, check.stderr.split('\n').slice(-15).join('\n'));
  });

  it('describes every /api route with an operationId, a summary and its permission', () => {
    const routes = server.server.app.routeTable.filter(
      (r) =>
        r.url.startsWith('/api/') &&
        !r.url.startsWith('/api/docs') &&
        !['HEAD', 'OPTIONS'].includes(r.method),
    );
    assert.ok(routes.length >= 20, `only ${routes.length} /api routes in the route table`);
    const missing: string[] = [];
    for (const r of routes) {
      const op = doc.paths[openapiPath(r.url)]?.[r.method.toLowerCase()];
      const name = `${r.method} ${r.url}`;
      if (!op) missing.push(`${name}: not in the document`);
      else {
        if (!op.operationId) missing.push(`${name}: no schema.operationId`);
        else if (!/^[a-z][A-Za-z0-9]*$/.test(op.operationId))
          missing.push(`${name}: operationId ${op.operationId} is not camelCase`);
        if (!op.summary) missing.push(`${name}: no schema.summary`);
        if (op['x-loopcast-permission'] !== (r.permission ?? 'public')) {
          missing.push(`${name}: x-loopcast-permission ${op['x-loopcast-permission']} ≠ ${r.permission}`);
        }
      }
    }
    assert.deepEqual(
      missing,
      [],
      `routes the OpenAPI document does not describe completely:\n${missing.join('\n')}`,
    );
  });

  it('declares the cookie, CSRF header and bearer schemes and uses them by permission', () => {
    const s = doc.components.securitySchemes;
    assert.deepEqual(
      { in: s.session?.in, type: s.session?.type, name: s.session?.name },
      { in: 'cookie', type: 'apiKey', name: 'loopcast_session' },
    );
    assert.deepEqual({ in: s.csrf?.in, name: s.csrf?.name }, { in: 'header', name: 'x-csrf-token' });
    assert.deepEqual({ type: s.bearer?.type, scheme: s.bearer?.scheme }, { type: 'http', scheme: 'bearer' });
    // Public: no credentials. Admin mutation: cookie + CSRF, or a bearer token.
    assert.deepEqual(doc.paths['/api/auth/session']?.get?.security, []);
    assert.deepEqual(doc.paths['/api/users']?.post?.security, [{ session: [], csrf: [] }, { bearer: [] }]);
    assert.deepEqual(doc.paths['/api/users']?.get?.security, [{ session: [] }, { bearer: [] }]);
    assert.equal(doc.paths['/api/users/{id}']?.delete?.['x-loopcast-permission'], 'admin');
    // An upload token cannot be created with a bearer token (§4.3): only the cookie is offered.
    assert.deepEqual(doc.paths['/api/tokens']?.post?.security, [{ session: [], csrf: [] }]);
  });

  it('lists the streaming routes under the tag streaming and leaves UI pages out', () => {
    const streaming = Object.entries(doc.paths).filter(([, item]) =>
      Object.values(item).some((op) => op.tags?.includes('streaming')),
    );
    const paths = streaming.map(([p]) => p).sort();
    assert.ok(paths.includes('/dash/{path}') && paths.includes('/time/{path}'), paths.join(', '));
    // So are multi-period streams and the ClearKey licence server (app.md §3.5), once registered.
    assert.deepEqual(
      paths.filter((p) => !['/dash/{path}', '/time/{path}', '/mps/{path}', '/clearkey'].includes(p)),
      [],
    );
    for (const path of Object.keys(doc.paths)) {
      assert.ok(!/^\/(assets|static|play|login|music|tv)\b/.test(path), `UI path ${path} in the document`);
      assert.ok(!path.startsWith('/api/docs'), `${path}: the browser's own files are not API`);
    }
  });

  it('answers 304 to a matching If-None-Match', async () => {
    assert.match(etag, /^"[^"]+"$/);
    const res = await fetch(`${server.origin}/api/openapi.json`, { headers: { 'if-none-match': etag } });
    assert.equal(res.status, 304);
    assert.equal(res.headers.get('etag'), etag);
  });
});

describe('GET /api/docs', () => {
  it('serves the OpenAPI browser from local files under a CSP without inline scripts', async () => {
    const res = await fetch(`${server.origin}/api/docs`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length >= 2, 'the page loads the swagger-ui scripts');
    for (const [tag, body] of scripts) {
      assert.equal(body!.trim(), '', `inline script would be blocked by the CSP: ${tag.slice(0, 80)}`);
      const src = /src="([^"]+)"/.exec(tag)?.[1] ?? '';
      assert.ok(src.startsWith('/api/docs/static/'), `script from ${src}`);
      const file = await fetch(`${server.origin}${src}`);
      assert.equal(file.status, 200, src);
      assert.match(file.headers.get('content-type') ?? '', /javascript/);
      await file.arrayBuffer();
    }
    const spec = await fetch(`${server.origin}/api/docs/json`);
    assert.equal(spec.status, 200);
    assert.equal(((await spec.json()) as Document).openapi, doc.openapi);
  });
});
