// Replays the fuzz regression corpus (testing.md §10): inputs that once found a bug, or that
// guard an edge, under test/fuzz/corpus/<target>/. Decoder files hold hex; query files hold the
// query text; route files hold a JSON request ({url, method, headers}; SID is the session id).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, DmapDecodeError } from '../../src/dmap/decode.js';
import { parseQuery, QuerySyntaxError } from '../../src/http/query.js';
import { makeRouteFuzzer } from '../fuzz/targets.js';
import { start } from '../support/invoke.js';

const root = new URL('../fuzz/corpus/', import.meta.url).pathname;
const files = (t: string): string[] => readdirSync(join(root, t)).map((f) => join(root, t, f));

test('corpus: dmap-decoder', () => {
  for (const f of files('dmap-decoder')) {
    const bytes = Buffer.from(readFileSync(f, 'utf8').trim(), 'hex');
    try {
      decode(bytes);
    } catch (e) {
      assert.ok(e instanceof DmapDecodeError, `${f}: ${String(e)}`);
    }
  }
});

test('corpus: daap-query', () => {
  for (const f of files('daap-query')) {
    try {
      parseQuery(readFileSync(f, 'utf8'));
    } catch (e) {
      assert.ok(e instanceof QuerySyntaxError, `${f}: ${String(e)}`);
    }
  }
});

test('corpus: daap-routes', async () => {
  const fz = await makeRouteFuzzer();
  for (const f of files('daap-routes')) {
    const req = JSON.parse(readFileSync(f, 'utf8')) as {
      url: string;
      method: string;
      headers: Record<string, string>;
    };
    const r = await start(fz.handler, req.url.replace('SID', String(fz.sid)), req).done;
    assert.ok(r.status < 500, `${f}: ${r.status}`);
  }
  fz.close();
});
