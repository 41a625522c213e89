/**
 * The broken corpus on real loopcast output (validator.md §9): faults loopcast injects on request
 * (`verr` → MEDIA_AVAILABLE, `bugs=saio` → MEDIA_SAIZ_SAIO), and edited copies of its MPDs checked
 * against the shared XSD (`DOC_XSD` on the edited element's line, next to the semantic code).
 * The segment-level corpus made with @loopcast/bmff lives in the dash unit tests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createFetcher, reportText, validate, type ValidationReport } from '@loopcast/dash';
import { validateXsd } from '../../packages/dash/src/validator/xsd.js';
import { xsdWasmAvailable } from '../../packages/dash/src/validator/xsd-wasm.js';
import { cliFetcher } from '../../packages/server/src/cli/validate-fetch.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { SHARED, sharedAvailable } from '../support/paths.js';
import { requireShared, requireTool } from '../support/tools.js';

const NOW = Date.UTC(2026, 0, 1, 0, 5, 0);
const LIVE = `start=2026-01-01T00:00:00Z&now=${NOW}`;
const SCHEMA = join(SHARED, 'schema', 'DASH-MPD.xsd');

let server: TestServer;
let withBbb = false;
let dir: string;
before(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'loopcast-validate-corpus-'));
  if (sharedAvailable()) {
    await addBbbStream(server);
    withBbb = true;
  }
});
after(() => server.stop());

function errorCodes(r: ValidationReport): string[] {
  return [...new Set(r.issues.filter((i) => i.severity === 'error').map((i) => i.code))];
}

async function live(path: string): Promise<ValidationReport> {
  return validate(
    { url: `${server.origin}${path}&${LIVE}`, duration: 30, encrypted: false, media: true, concurrency: 4 },
    createFetcher({ addressRule: false }),
    {},
    () => NOW,
  );
}

/** Validates an edited copy of a loopcast MPD as a local file, manifest and init segments only. */
async function edited(
  path: string,
  edit: (text: string) => string,
  schema: boolean,
): Promise<{ r: ValidationReport; text: string }> {
  const original = await (await fetch(`${server.origin}${path}`)).text();
  const text = edit(original);
  assert.notEqual(text, original, 'the edit applies');
  const file = join(dir, `case-${Math.random().toString(36).slice(2)}.mpd`);
  writeFileSync(file, text);
  const r = await validate(
    {
      url: pathToFileURL(file).href,
      duration: 0,
      encrypted: false,
      media: false,
      concurrency: 4,
      ...(schema && { schemaPath: SCHEMA }),
    },
    cliFetcher({ concurrency: 4, root: file }),
  );
  return { r, text };
}

const lineOf = (text: string, needle: string): number =>
  text.slice(0, text.indexOf(needle)).split('\n').length;

describe('broken corpus on loopcast output', { timeout: 60_000 }, () => {
  it('verr=404 inside the window → MEDIA_AVAILABLE for both video Representations', async (t) => {
    if (!withBbb) return t.skip('shared media absent');
    const r = await live('/dash/live/bbb/hand_made.mpd?verr=404=70');
    assert.deepEqual(errorCodes(r), ['MEDIA_AVAILABLE'], reportText(r));
    const hit = r.issues.filter((i) => i.code === 'MEDIA_AVAILABLE');
    assert.deepEqual(
      hit
        .map((i) =>
          i.location.kind === 'segment' ? `${i.location.representationId} #${i.location.number}` : '',
        )
        .sort(),
      ['bbb_v6 #70', 'bbb_v7 #70'],
    );
  });

  it('bugs=saio with the PIFF box inserted → MEDIA_SAIZ_SAIO, and clean without the bug', async (t) => {
    if (!withBbb) return t.skip('shared media absent');
    const bad = await live('/dash/live/bbb/hand_made.mpd?drm=playready&playready__piff=1&bugs=saio');
    assert.deepEqual(errorCodes(bad), ['MEDIA_SAIZ_SAIO'], reportText(bad));
    const good = await live('/dash/live/bbb/hand_made.mpd?drm=playready&playready__piff=1');
    assert.deepEqual(errorCodes(good), [], reportText(good));
  });

  it('schema-breaking edits give DOC_XSD on the edited line, beside their own code', async (t) => {
    if (!requireShared(t) || !requireTool(t, 'xmllint', 'libxml2-utils')) return;
    const path = '/dash/vod/demo/hand_made.mpd';
    const cases: { edit: (s: string) => string; needle: string; code: string }[] = [
      { edit: (s) => s.replace('type="static"', 'type="live"'), needle: '<MPD', code: 'MPD_TYPE' },
      { edit: (s) => s.replace('par="16:9"', 'par="16/9"'), needle: 'par="16/9"', code: 'AS_PAR' },
      {
        edit: (s) => s.replace(/(<Representation [^>]*)bandwidth="\d+"/, '$1bandwidth="fast"'),
        needle: 'bandwidth="fast"',
        code: 'REP_BANDWIDTH',
      },
    ];
    for (const c of cases) {
      const { r, text } = await edited(path, c.edit, true);
      const line = lineOf(text, c.needle);
      const xsd = r.issues.filter((i) => i.code === 'DOC_XSD');
      assert.ok(xsd.length > 0, reportText(r));
      assert.ok(
        xsd.some((i) => i.location.kind === 'manifest' && i.location.line === line),
        `DOC_XSD on line ${line}:\n${reportText(r)}`,
      );
      assert.ok(
        r.issues.some((i) => i.code === c.code),
        reportText(r),
      );
      // the in-process engine (§4.1, without xmllint on PATH) reports the same lines and messages
      if (xsdWasmAvailable())
        assert.deepEqual(
          await validateXsd(text, SCHEMA, undefined, 'wasm'),
          await validateXsd(text, SCHEMA, undefined, 'xmllint'),
        );
    }
    const clean = await edited(path, (s) => s.replace('<MPD ', '<MPD  '), true);
    assert.deepEqual(
      clean.r.issues.filter((i) => i.code === 'DOC_XSD'),
      [],
      reportText(clean.r),
    );
  });

  it('xmllint-wasm finds nothing in clean loopcast MPDs (vod and live)', async (t) => {
    if (!requireShared(t)) return;
    if (!xsdWasmAvailable()) return t.skip('xmllint-wasm is not installed (npm install -w packages/server)');
    for (const path of ['/dash/vod/demo/hand_made.mpd', `/dash/live/demo/hand_made.mpd?${LIVE}`]) {
      const text = await (await fetch(`${server.origin}${path}`)).text();
      assert.match(text, /<MPD /);
      assert.deepEqual(await validateXsd(text, SCHEMA, undefined, 'wasm'), [], path);
    }
  });

  it('malformed XML → DOC_XML with its line; a DOCTYPE is refused before parsing', async () => {
    const { r } = await edited(
      '/dash/vod/demo/hand_made.mpd',
      (s) => s.replace('</Period>', '</Perio>'),
      false,
    );
    assert.deepEqual(errorCodes(r), ['DOC_XML'], reportText(r));
    assert.equal(r.type, null);
    const dt = await edited(
      '/dash/vod/demo/hand_made.mpd',
      (s) => s.replace('<MPD', '<!DOCTYPE MPD [<!ENTITY x "y">]>\n<MPD'),
      false,
    );
    assert.deepEqual(errorCodes(dt.r), ['DOC_XML'], reportText(dt.r));
    // over HTTP the fetcher refuses it before the validator sees the body
    const http = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/dash+xml' });
      res.end(
        '<?xml version="1.0"?>\n<!DOCTYPE MPD [<!ENTITY x "y">]>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"/>',
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const r = await validate(
        { url: `http://127.0.0.1:${port}/x.mpd`, duration: 0, encrypted: false, media: true, concurrency: 1 },
        createFetcher({ addressRule: false }),
      );
      assert.deepEqual(errorCodes(r), ['DOC_XML'], reportText(r));
      assert.match(r.issues[0]!.message, /DOCTYPE/);
    } finally {
      http.close();
    }
  });
});
