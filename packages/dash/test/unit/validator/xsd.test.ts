/**
 * DOC_XSD under both engines (validator.md §4.1): the xmllint binary and the in-process
 * xmllint-wasm give the same lines and messages for the same schema-breaking edits of the
 * in-memory bbb MPD, and nothing for the clean MPD; a run with a schema reports them as DOC_XSD.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validate } from '../../../src/validator/run.js';
import { reportText } from '../../../src/validator/report.js';
import { validateXsd, xsdAvailable, xsdEngine } from '../../../src/validator/xsd.js';
import { xsdWasmAvailable } from '../../../src/validator/xsd-wasm.js';
import { SCHEMA } from '../../support/xmllint.js';
import { mediaMissing, mpdText, MPD_URL, streamRoutes } from './support/bbb.js';
import { MPD_HEADERS, RecordedFetcher } from './support/recorded.js';

function hasXmllint(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = (): string | false =>
  mediaMissing() ||
  (existsSync(SCHEMA) ? false : `schema ${SCHEMA} not found`) ||
  (xsdWasmAvailable() ? false : 'xmllint-wasm is not installed (npm install -w packages/server)');

const lineOf = (text: string, needle: string): number => {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return text.slice(0, at).split('\n').length;
};

/** One schema defect per case, with the text that marks its line. */
const CASES: { what: string; edit: (t: string) => string; needle: string }[] = [
  { what: 'MPD@type "live"', edit: (t) => t.replace('type="static"', 'type="live"'), needle: '<MPD ' },
  {
    what: 'a non-numeric @bandwidth',
    edit: (t) => t.replace('bandwidth="374768"', 'bandwidth="fast"'),
    needle: 'bandwidth="fast"',
  },
  {
    what: 'a @par with a slash',
    edit: (t) => t.replace('contentType="audio"', 'contentType="audio" par="16/9"'),
    needle: 'par="16/9"',
  },
  {
    what: 'an element the schema does not allow in a Period',
    edit: (t) => t.replace('<AdaptationSet id="2"', '<Bogus/>\n    <AdaptationSet id="2"'),
    needle: '<Bogus/>',
  },
];

describe('DOC_XSD engines', { skip: skip() }, () => {
  it('xmllint-wasm finds the same lines and messages as the xmllint binary', async (t) => {
    for (const c of CASES) {
      const text = c.edit(mpdText());
      assert.notEqual(text, mpdText(), c.what);
      const wasm = await validateXsd(text, SCHEMA, undefined, 'wasm');
      assert.ok(
        wasm.some((m) => m.line === lineOf(text, c.needle)),
        `${c.what}: wasm line ${lineOf(text, c.needle)}: ${JSON.stringify(wasm)}`,
      );
      assert.ok(
        wasm.every((m) => m.message.startsWith('Element ')),
        JSON.stringify(wasm),
      );
      if (!hasXmllint()) {
        t.diagnostic('xmllint is not on PATH: the binary comparison is skipped');
        continue;
      }
      const binary = await validateXsd(text, SCHEMA, undefined, 'xmllint');
      assert.deepEqual(wasm, binary, c.what);
    }
  });

  it('the clean MPD gives no message under wasm', async () => {
    assert.deepEqual(await validateXsd(mpdText(), SCHEMA, undefined, 'wasm'), []);
  });

  it('without xmllint on PATH the wasm engine is chosen and finds the same messages', () => {
    const text = CASES[0]!.edit(mpdText());
    const script = `
      import { xsdEngine, validateXsd } from ${JSON.stringify(new URL('../../../src/validator/xsd.ts', import.meta.url).href)};
      const text = ${JSON.stringify(text)};
      const messages = await validateXsd(text, ${JSON.stringify(SCHEMA)});
      process.stdout.write(JSON.stringify({ engine: xsdEngine(), messages }));`;
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-xsd-'));
    const file = join(dir, 'engine.mts');
    writeFileSync(file, script);
    let r: SpawnSyncReturns<string>;
    try {
      r = spawnSync(process.execPath, ['--import', 'tsx', file], {
        env: { ...process.env, PATH: '' },
        encoding: 'utf8',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { engine: string; messages: { line: number }[] };
    assert.equal(out.engine, 'wasm');
    assert.deepEqual(
      out.messages.map((m) => m.line),
      [lineOf(text, '<MPD ')],
    );
  });

  it('a run with a schema reports DOC_XSD on the line; the engine is available either way', async () => {
    assert.ok(xsdAvailable());
    assert.equal(xsdEngine(), hasXmllint() ? 'xmllint' : 'wasm');
    const text = CASES[1]!.edit(mpdText());
    const routes = streamRoutes({}, { headers: MPD_HEADERS, body: text });
    const r = await validate(
      { url: MPD_URL, duration: 0, encrypted: false, media: false, concurrency: 4, schemaPath: SCHEMA },
      new RecordedFetcher(routes),
    );
    const xsd = r.issues.filter((i) => i.code === 'DOC_XSD');
    assert.ok(
      xsd.some((i) => i.location.kind === 'manifest' && i.location.line === lineOf(text, 'bandwidth="fast"')),
      reportText(r),
    );
  });
});
