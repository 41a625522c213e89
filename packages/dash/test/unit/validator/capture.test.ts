/** "Save this stream" capture (validator.md §7 `--save`, §8.3): plan, order, cap, KIDs, failures. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  captureStream,
  CaptureError,
  type CaptureSink,
  type CaptureTrack,
} from '../../../src/validator/index.js';
import { contentProtection, KID, MPD_URL, mediaMissing, streamRoutes, track } from './support/bbb.js';
import { RecordedFetcher } from './support/recorded.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Keeps every track's bytes and the largest single write, to show segments are streamed. */
class MemorySink implements CaptureSink {
  readonly files = new Map<string, Buffer[]>();
  readonly aborted: string[] = [];
  largestWrite = 0;
  private current?: CaptureTrack;
  open(t: CaptureTrack): Promise<void> {
    this.current = t;
    this.files.set(t.representationId, []);
    return Promise.resolve();
  }
  write(chunk: Uint8Array): Promise<void> {
    this.largestWrite = Math.max(this.largestWrite, chunk.byteLength);
    this.files.get(this.current!.representationId)!.push(Buffer.from(chunk));
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  abort(): Promise<void> {
    this.aborted.push(this.current!.representationId);
    return Promise.resolve();
  }
  bytes(id: string): Buffer {
    return Buffer.concat(this.files.get(id)!);
  }
}

describe('captureStream', { skip: mediaMissing() }, () => {
  it('static: init then every media segment in order, one file per Representation', async () => {
    const sink = new MemorySink();
    const progress: number[] = [];
    const plan = await captureStream({
      url: MPD_URL,
      fetcher: new RecordedFetcher(streamRoutes()),
      sink,
      now: () => T0,
      progress: (p) => progress.push(p.done),
    });
    assert.deepEqual([...sink.files.keys()], ['bbb_v6', 'bbb_a1']);
    for (const id of ['bbb_v6', 'bbb_a1']) {
      const t = track(id);
      assert.ok(sink.bytes(id).equals(Buffer.concat([t.init, ...t.segments])), id);
    }
    assert.equal(plan.tracks[plan.timingRef]!.representationId, 'bbb_v6');
    assert.equal(progress.at(-1), 2 + track('bbb_v6').segments.length + track('bbb_a1').segments.length);
    assert.ok(sink.largestWrite <= Math.max(...track('bbb_v6').segments.map((s) => s.length)));
  });

  it('the cap limits the media segments per Representation', async () => {
    const sink = new MemorySink();
    const fetcher = new RecordedFetcher(streamRoutes());
    await captureStream({ url: MPD_URL, fetcher, sink, maxSegments: 3, now: () => T0 });
    assert.equal(sink.files.get('bbb_v6')!.length, 4);
    assert.equal(sink.files.get('bbb_a1')!.length, 4);
    assert.deepEqual(
      fetcher.requests
        .filter((r) => r.kind === 'media' && r.url.includes('bbb_v6'))
        .map((r) => r.url.split('/').at(-1)),
      ['1.m4s', '2.m4s', '3.m4s'],
    );
  });

  it('dynamic: only the segments available in the current window', async () => {
    const sink = new MemorySink();
    const ast = T0 - 20_000;
    const o = { dynamic: { ast, publishTime: T0 } };
    await captureStream({ url: MPD_URL, fetcher: new RecordedFetcher(streamRoutes(o)), sink, now: () => T0 });
    // 4 s segments, 20 s after availabilityStartTime: segments 1–5 are complete and available
    assert.equal(sink.files.get('bbb_v6')!.length, 1 + 5);
  });

  it('encrypted: the default KID is listed for the keys of the description', async () => {
    const o = { encrypted: true, videoExtra: contentProtection() };
    const plan = await captureStream({
      url: MPD_URL,
      fetcher: new RecordedFetcher(streamRoutes(o)),
      sink: new MemorySink(),
      maxSegments: 1,
      now: () => T0,
    });
    assert.deepEqual(plan.tracks[0]!.kids, [KID]);
    assert.deepEqual(plan.tracks[1]!.kids, []);
  });

  it('a missing segment fails the capture naming the URL and aborts the open file', async () => {
    const routes = streamRoutes();
    routes.delete('https://media.test/bbb/bbb_v6/2.m4s');
    const sink = new MemorySink();
    await assert.rejects(
      captureStream({ url: MPD_URL, fetcher: new RecordedFetcher(routes), sink, now: () => T0 }),
      (err: Error) =>
        err instanceof CaptureError && /segment 2 of bbb_v6 .*bbb_v6\/2\.m4s: HTTP 404/.test(err.message),
    );
    assert.deepEqual(sink.aborted, ['bbb_v6']);
  });

  it('a document that is no MPD is refused', async () => {
    const routes = new Map([[MPD_URL, { body: '<html/>' }]]);
    await assert.rejects(
      captureStream({ url: MPD_URL, fetcher: new RecordedFetcher(routes), sink: new MemorySink() }),
      /not a DASH MPD/,
    );
  });
});
