/**
 * Another packager (validator.md §9): H.264/AAC streams written by Debian's ffmpeg 5.1 DASH muxer
 * (`-f dash`, lavfi testsrc + sine) validate with no error — static and live, `$Number$` and
 * SegmentTimeline. The MPDs are read as local files (the CLI's fetcher); a live MPD is the one
 * ffmpeg had written 4 s into a real-time run, validated at that moment.
 *
 * Segment durations are whole AAC frames (3.2 s and 1.6 s at 48 kHz are 150 and 75 frames of 1024
 * samples): ffmpeg writes the nominal `-seg_duration` as MPD@maxSegmentDuration, while its audio
 * segments end on frame boundaries and so run up to one frame longer with other durations — a
 * real MPD_MAX_SEGMENT_DURATION error, which the last case shows is the only one.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { reportText, validate, type ValidationReport } from '@loopcast/dash';
import { cliFetcher } from '../../packages/server/src/cli/validate-fetch.js';
import { trackChildGroup } from '../support/children.js';
import { requireTool } from '../support/tools.js';

const run = promisify(execFile);

const ENCODE = (seconds: number, segment: number): string[] => [
  '-hide_banner',
  '-loglevel',
  'error',
  '-f',
  'lavfi',
  '-i',
  'testsrc=size=320x180:rate=25',
  '-f',
  'lavfi',
  '-i',
  'sine=frequency=440:sample_rate=48000',
  '-t',
  String(seconds),
  '-pix_fmt',
  'yuv420p',
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-g',
  String(Math.round(25 * segment)),
  '-keyint_min',
  String(Math.round(25 * segment)),
  '-sc_threshold',
  '0',
  '-c:a',
  'aac',
  '-b:a',
  '64k',
  '-f',
  'dash',
  '-seg_duration',
  String(segment),
  '-use_template',
  '1',
];

async function report(mpd: string, clock?: number): Promise<ValidationReport> {
  return validate(
    { url: pathToFileURL(mpd).href, duration: 0, encrypted: false, media: true, concurrency: 4 },
    cliFetcher({ concurrency: 4, root: mpd }),
    {},
    clock === undefined ? Date.now : () => clock,
  );
}

async function check(mpd: string, clock?: number, minSegments = 4): Promise<ValidationReport> {
  const r = await report(mpd, clock);
  const errors = r.issues.filter((i) => i.severity === 'error');
  assert.deepEqual(errors, [], reportText(r));
  assert.ok(r.summary.mediaSegments >= minSegments, reportText(r));
  assert.equal(r.summary.initSegments, 2);
  return r;
}

describe("ffmpeg's DASH muxer output validates clean", { timeout: 60_000 }, () => {
  for (const timeline of ['0', '1']) {
    it(`static, ${timeline === '1' ? 'SegmentTimeline' : '$Number$ with @duration'}`, async (t) => {
      if (!requireTool(t, 'ffmpeg', 'ffmpeg')) return;
      const dir = mkdtempSync(join(tmpdir(), 'loopcast-ffdash-'));
      const mpd = join(dir, 'static.mpd');
      await run('ffmpeg', [...ENCODE(9.6, 3.2), '-use_timeline', timeline, mpd]);
      const r = await check(mpd);
      assert.equal(r.type, 'static');
      assert.match(readFileSync(mpd, 'utf8'), timeline === '1' ? /<SegmentTimeline>/ : /duration="3200000"/);
    });
  }

  it('live ($Number$ and SegmentTimeline), as listed 4 s into a real-time run', async (t) => {
    if (!requireTool(t, 'ffmpeg', 'ffmpeg')) return;
    const jobs = ['0', '1'].map((timeline) => {
      const dir = mkdtempSync(join(tmpdir(), 'loopcast-ffdash-live-'));
      const mpd = join(dir, 'live.mpd');
      const child = spawn(
        'ffmpeg',
        [
          '-re',
          ...ENCODE(4.8, 1.6),
          '-use_timeline',
          timeline,
          '-window_size',
          '5',
          '-remove_at_exit',
          '0',
          mpd,
        ],
        {
          detached: true,
          stdio: 'ignore',
        },
      );
      trackChildGroup(child.pid);
      const done = new Promise<number | null>((resolve) => child.on('close', resolve));
      return { dir, mpd, done, timeline };
    });
    await new Promise((r) => setTimeout(r, 4000));
    const snapshots = jobs.map((j) => {
      const snap = join(j.dir, 'snapshot.mpd');
      copyFileSync(j.mpd, snap);
      return { ...j, snap, at: Date.now() };
    });
    for (const j of jobs) assert.equal(await j.done, 0);
    for (const s of snapshots) {
      const text = readFileSync(s.snap, 'utf8');
      assert.match(text, /type="dynamic"/);
      const r = await check(s.snap, s.at, 2);
      assert.equal(r.type, 'dynamic');
    }
  });

  it('2 s segments: the audio runs past the nominal @maxSegmentDuration, the one error reported', async (t) => {
    if (!requireTool(t, 'ffmpeg', 'ffmpeg')) return;
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-ffdash-'));
    const mpd = join(dir, 'static.mpd');
    await run('ffmpeg', [...ENCODE(8, 2), '-use_timeline', '1', mpd]);
    const r = await report(mpd);
    const errors = r.issues.filter((i) => i.severity === 'error');
    assert.deepEqual([...new Set(errors.map((i) => i.code))], ['MPD_MAX_SEGMENT_DURATION'], reportText(r));
    assert.match(errors[0]!.message, /96256 ticks \(2\.005 s\), more than @maxSegmentDuration 2 s/);
  });
});
