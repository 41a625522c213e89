/**
 * MPD_BASEURL_ALTERNATIVES (validator.md §4.2): several BaseURLs are alternatives, so the
 * Representations list every resolved one, and the init and first media segment of each
 * Representation must answer the same bytes under each — compared by length and SHA-256, with
 * only those two requests per Representation and alternative. A failing alternative is a fetch
 * issue that names it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMpdModel, representations } from '../../../src/validator/mpd.js';
import { reportText } from '../../../src/validator/report.js';
import { validate } from '../../../src/validator/run.js';
import type { ValidateOptions, ValidationReport } from '../../../src/validator/types.js';
import { parseXml } from '../../../src/validator/xml.js';
import { mediaMissing, mpdText, MPD_URL, ORIGIN, streamRoutes } from './support/bbb.js';
import { MPD_HEADERS, RecordedFetcher, type Route } from './support/recorded.js';

const MIRROR = 'https://mirror.test/bbb/';
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const OPTS: ValidateOptions = { url: MPD_URL, duration: 8, encrypted: false, media: true, concurrency: 4 };

/** The bbb stream with a second, Period-level BaseURL whose routes copy the first's. */
function mirrored(edit?: (routes: Map<string, Route>) => void): {
  routes: Map<string, Route>;
  fetcher: RecordedFetcher;
} {
  const text = mpdText().replace(
    `<BaseURL>${ORIGIN}</BaseURL>`,
    `<BaseURL serviceLocation="a">${ORIGIN}</BaseURL>\n    <BaseURL serviceLocation="b">${MIRROR}</BaseURL>`,
  );
  const routes = streamRoutes({}, { headers: MPD_HEADERS, body: text });
  for (const [url, route] of [...routes])
    if (url !== MPD_URL && url.startsWith(ORIGIN)) routes.set(MIRROR + url.slice(ORIGIN.length), route);
  edit?.(routes);
  return { routes, fetcher: new RecordedFetcher(routes) };
}

const run = (fetcher: RecordedFetcher): Promise<ValidationReport> => validate(OPTS, fetcher, {}, () => T0);
const mirrorRequests = (f: RecordedFetcher): string[] =>
  f.requests.filter((q) => q.url.startsWith(MIRROR)).map((q) => q.url.slice(MIRROR.length));

describe('BaseURL alternatives in the model', () => {
  it('resolves each alternative through the lower levels; the first is baseUrl', () => {
    const parsed = parseXml(`<MPD xmlns="urn:mpeg:dash:schema:mpd:2011">
  <BaseURL>https://a.test/x/</BaseURL><BaseURL>https://b.test/y/</BaseURL>
  <Period><BaseURL>p/</BaseURL>
    <AdaptationSet><Representation id="r"><BaseURL>r/</BaseURL></Representation></AdaptationSet>
    <AdaptationSet><BaseURL>https://c.test/</BaseURL><Representation id="s"/></AdaptationSet>
  </Period>
</MPD>`);
    assert.ok(parsed.ok);
    const reps = [...representations(buildMpdModel(parsed.xml, 'https://m.test/a.mpd'))].map((x) => x.rep);
    assert.deepEqual(reps[0]!.baseUrls, ['https://a.test/x/p/r/', 'https://b.test/y/p/r/']);
    assert.equal(reps[0]!.baseUrl, 'https://a.test/x/p/r/');
    // an absolute BaseURL below replaces both alternatives by one
    assert.deepEqual(reps[1]!.baseUrls, ['https://c.test/']);
  });
});

describe('BaseURL alternatives serve the same bytes', { skip: mediaMissing() }, () => {
  it('identical mirrors: no issue, and only init + first media segment under the alternative', async () => {
    const { fetcher } = mirrored();
    const r = await run(fetcher);
    assert.equal(r.issues.length, 0, reportText(r));
    assert.deepEqual(mirrorRequests(fetcher).sort(), [
      'bbb_a1/0.m4s',
      'bbb_a1/init.mp4',
      'bbb_v6/1.m4s',
      'bbb_v6/init.mp4',
    ]);
  });

  it('an init segment with other bytes under the mirror → a warning naming both BaseURLs', async () => {
    const { fetcher } = mirrored((routes) => {
      const url = `${MIRROR}bbb_v6/init.mp4`;
      const route = routes.get(url) as { headers: Record<string, string>; body: Uint8Array };
      const body = Buffer.from(route.body);
      body.writeUInt8(body.at(-1)! ^ 1, body.length - 1);
      routes.set(url, { ...route, body });
    });
    const r = await run(fetcher);
    const found = r.issues.filter((i) => i.code === 'MPD_BASEURL_ALTERNATIVES');
    assert.equal(found.length, 1, reportText(r));
    assert.equal(found[0]!.severity, 'warning');
    assert.match(found[0]!.message, /^the init segment bbb_v6\/init\.mp4 differs between BaseURL /);
    assert.ok(found[0]!.message.includes(ORIGIN) && found[0]!.message.includes(MIRROR), found[0]!.message);
    assert.equal(found[0]!.location.kind === 'segment' && found[0]!.location.url, `${MIRROR}bbb_v6/init.mp4`);
    assert.equal(r.summary.errors, 0, reportText(r));
  });

  it('a mirror that is down → INIT_FETCH and MEDIA_FETCH naming it, per Representation', async () => {
    const { fetcher } = mirrored((routes) => {
      for (const url of [...routes.keys()]) if (url.startsWith(MIRROR)) routes.delete(url);
    });
    const r = await run(fetcher);
    const codes = r.issues.map(
      (i) => `${i.code} ${i.location.kind === 'segment' ? i.location.representationId : ''}`,
    );
    assert.deepEqual(codes.sort(), [
      'INIT_FETCH bbb_a1',
      'INIT_FETCH bbb_v6',
      'MEDIA_FETCH bbb_a1',
      'MEDIA_FETCH bbb_v6',
    ]);
    for (const i of r.issues) assert.match(i.message, new RegExp(`alternative BaseURL ${MIRROR}.*HTTP 404`));
  });

  it('with the primary down, the alternatives that answer are compared with each other', async () => {
    const THIRD = 'https://third.test/bbb/';
    const { routes } = mirrored();
    const text = (routes.get(MPD_URL) as { body: string }).body.replace(
      `<BaseURL serviceLocation="b">${MIRROR}</BaseURL>`,
      `<BaseURL serviceLocation="b">${MIRROR}</BaseURL><BaseURL serviceLocation="c">${THIRD}</BaseURL>`,
    );
    routes.set(MPD_URL, { headers: MPD_HEADERS, body: text });
    for (const [url, route] of [...routes])
      if (url.startsWith(MIRROR)) routes.set(THIRD + url.slice(MIRROR.length), route);
    const init = `${THIRD}bbb_a1/init.mp4`;
    const good = routes.get(init) as { headers: Record<string, string>; body: Uint8Array };
    routes.set(init, { ...good, body: Buffer.concat([good.body, Buffer.alloc(4)]) });
    routes.delete(`${ORIGIN}bbb_a1/init.mp4`);
    const r = await run(new RecordedFetcher(routes));
    const alt = r.issues.filter((i) => i.code === 'MPD_BASEURL_ALTERNATIVES');
    assert.equal(alt.length, 1, reportText(r));
    assert.ok(
      alt[0]!.message.includes(`BaseURL ${MIRROR} (`) && alt[0]!.message.includes(`BaseURL ${THIRD} (`),
    );
    const down = r.issues.filter((i) => i.code === 'INIT_FETCH');
    assert.equal(down.length, 1, reportText(r));
    assert.ok(down[0]!.message.startsWith(`under BaseURL ${ORIGIN}, the init segment answered HTTP 404`));
  });
});
