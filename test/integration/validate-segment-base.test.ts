/**
 * SEG_BASE on loopcast media (validator.md §4.6, §9): loopcast's on-demand streams address their
 * one-file Representations with SegmentList ranges, so a loopback fixture turns them into
 * SegmentBase streams — each file gets a sidx (made with @loopcast/bmff from the file's own
 * fragments) between its init segment and its media, and the MPD names the index range. The clean
 * stream validates without error; an index whose reference sizes are off by some bytes, or whose
 * sizes add up past the file's end, reports SEG_BASE and no other error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Box, indexBuffer, serializeBoxes, sidx, type SidxFields } from '@loopcast/bmff';
import { createFetcher, reportText, validate, type ValidationReport } from '@loopcast/dash';
import { startFixtureServer, type FixtureServer } from '../fixtures/validator/fixture-server.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

const SOURCE = '/dash/odvod/demo/hand_made.mpd';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.stop());

/** One loopcast file as a SegmentBase file: init, sidx, media; `edit` changes the sidx. */
function withSidx(file: Buffer, edit?: (f: SidxFields) => void): { body: Buffer; addressing: string } {
  const idx = indexBuffer(file);
  const [init, ...media] = idx.segments;
  const fields: SidxFields = {
    version: 0,
    flags: 0,
    referenceId: 1,
    timescale: idx.timescale,
    earliestPresentationTime: BigInt(media[0]!.decodeTime ?? 0),
    firstOffset: 0n,
    reserved: 0,
    references: media.map((s) => ({
      referenceType: 0,
      referencedSize: s.size,
      subsegmentDuration: s.duration ?? 0,
      startsWithSap: 1,
      sapType: 1,
      sapDeltaTime: 0,
    })),
  };
  edit?.(fields);
  const index = serializeBoxes([Box.create(sidx, fields)]);
  const initEnd = init!.pos + init!.size;
  const body = Buffer.concat([file.subarray(0, initEnd), index, file.subarray(media[0]!.pos)]);
  const addressing = `<SegmentBase timescale="${idx.timescale}" indexRange="${initEnd}-${initEnd + index.length - 1}"><Initialization range="0-${initEnd - 1}"/></SegmentBase>`;
  return { body, addressing };
}

/** Serves the on-demand demo as SegmentBase; `edit` applies to the sidx of `target` only. */
async function segmentBaseStream(target?: string, edit?: (f: SidxFields) => void): Promise<FixtureServer> {
  let text = await (await fetch(`${server.origin}${SOURCE}`)).text();
  const files = new Map<string, Buffer>();
  for (const m of [...text.matchAll(/<BaseURL>([^<]+)<\/BaseURL>\s*<SegmentList[\s\S]*?<\/SegmentList>/g)]) {
    const name = m[1]!;
    const file = Buffer.from(await (await fetch(new URL(name, `${server.origin}${SOURCE}`))).arrayBuffer());
    const made = withSidx(file, name === target ? edit : undefined);
    files.set(`/${name}`, made.body);
    text = text.replace(m[0], `<BaseURL>${name}</BaseURL>\n        ${made.addressing}`);
  }
  // the files resolve against the fixture's MPD URL, not loopcast's absolute Period BaseURL
  text = text.replace(/<BaseURL>https?:\/\/[^<]*<\/BaseURL>\s*/g, '');
  assert.ok(files.size >= 3, text);
  assert.doesNotMatch(text, /SegmentList/);
  return startFixtureServer((path) => {
    if (path === '/stream.mpd')
      return Promise.resolve({ headers: { 'content-type': 'application/dash+xml' }, body: text });
    const body = files.get(path);
    const type = path.endsWith('.m4a')
      ? 'audio/mp4'
      : path.endsWith('.m4v')
        ? 'video/mp4'
        : 'application/mp4';
    return Promise.resolve(body && { headers: { 'content-type': type }, body });
  });
}

/** The distinct error codes of a report. */
function errors(r: ValidationReport): string[] {
  return [...new Set(r.issues.filter((i) => i.severity === 'error').map((i) => i.code))];
}

async function run(target?: string, edit?: (f: SidxFields) => void): Promise<ValidationReport> {
  const fixture = await segmentBaseStream(target, edit);
  try {
    return await validate(
      { url: `${fixture.origin}/stream.mpd`, duration: 0, encrypted: false, media: true, concurrency: 4 },
      createFetcher({ addressRule: false }),
    );
  } finally {
    await fixture.close();
  }
}

describe('SegmentBase on loopcast media', { timeout: 60_000 }, () => {
  it('the demo as SegmentBase files validates without error', async () => {
    const r = await run();
    assert.deepEqual(errors(r), [], reportText(r));
    assert.ok(r.summary.mediaSegments >= 30, reportText(r));
  });

  it('a reference 40 bytes too long and the next 40 too short → SEG_BASE only', async () => {
    const r = await run('demo_v1.m4v', (f) => {
      f.references[2]!.referencedSize += 40;
      f.references[3]!.referencedSize -= 40;
    });
    assert.deepEqual(errors(r), ['SEG_BASE'], reportText(r));
    const [issue] = r.issues.filter((i) => i.code === 'SEG_BASE');
    assert.match(issue!.message, /^demo_v1: subsegment 4 \(bytes \d+-\d+\) starts with /);
  });

  it('referenced sizes adding up past the end of the file → SEG_BASE only', async () => {
    const r = await run('demo_a1.m4a', (f) => void (f.references.at(-1)!.referencedSize += 100));
    assert.deepEqual(errors(r), ['SEG_BASE'], reportText(r));
    assert.ok(
      r.issues.some((i) => i.code === 'SEG_BASE' && /^demo_a1: .*\(100 bytes beyond\)$/.test(i.message)),
      reportText(r),
    );
  });
});
