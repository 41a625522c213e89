/** The event schedule, in-band emsg of a segment and MPD EventStreams (drm-events.md §9.2–§9.4). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventGenerators, eventsIn } from '../../../src/events/generators.js';
import { eventBoundIssues, inbandEmsg } from '../../../src/events/inband.js';
import { renderManifest } from '../../../src/manifest/render.js';
import { resolveOptions } from '../../../src/options/parse.js';
import { TEMPLATES, type TemplateName } from '../../../src/templates/registry.js';
import { fixtureStream } from '../../fixtures/streams.js';
import { builtManifest } from '../../support/built-manifest.js';
import { validateMpds, validatorUnavailable } from '../../support/xmllint.js';

const NOW = Date.UTC(2025, 2, 1, 12, 10, 2, 500);
const START = 'start=2025-03-01T12:00:00Z';

function options(query: string, kind: 'manifest' | 'segment' = 'segment', template?: TemplateName) {
  const r = resolveOptions({
    query: new URLSearchParams(query),
    mode: 'live',
    kind,
    stream: fixtureStream('bbb'),
    ...(template ? { template: TEMPLATES[template] } : {}),
  });
  assert.deepEqual(r.issues, []);
  return r;
}

const manifest = (query: string, mode: 'live' | 'vod' = 'live', template: TemplateName = 'hand_made') =>
  builtManifest({ stream: fixtureStream('bbb'), template, mode, query, nowMs: NOW });

describe('event schedule (§9.2)', () => {
  it('lists t_i = start + i × interval in [from, to), bounded by count', () => {
    const [g] = eventGenerators(
      options('events=ping&ping__start=50&ping__interval=100&ping__count=5').options,
    );
    assert.ok(g);
    assert.deepEqual(eventsIn(g, 0n, 1000n), [0, 1, 2, 3, 4]);
    assert.deepEqual(eventsIn(g, 150n, 350n), [1, 2]);
    assert.deepEqual(eventsIn(g, 151n, 350n), [2]);
    assert.deepEqual(eventsIn(g, 0n, 50n), []);
  });
});

describe('in-band emsg of a segment (§9.3)', () => {
  it('converts the segment span to the event timescale and writes deltas (v0)', () => {
    // bbb video: timescale 240, 4 s segments; segment at 600 s = tfdt 144000
    const o = options('events=ping&ping__interval=300').options;
    const boxes = inbandEmsg(o, 240, 144000n, 960n);
    assert.deepEqual(
      boxes.map((b) => [b.id, b.presentationTimeDelta, b.messageData.toString()]),
      [
        [200, 0, 'ping'],
        [201, 300, 'pong'],
      ],
    );
    assert.equal(boxes[0]!.value, '0');
  });

  it('uses version 1 with absolute times, and always for SCTE-35 in band', () => {
    const o = options('events=scte35,ping&ping__version=1').options;
    const boxes = inbandEmsg(o, 240, 144000n, 960n);
    assert.deepEqual(
      boxes.map((b) => [b.schemeIdUri, b.version, b.presentationTime]),
      [
        ['urn:scte:scte35:2013:bin', 1, 60000n],
        ['urn:dash-live:pingpong:2022', 1, 60000n],
      ],
    );
    assert.equal(boxes[0]!.value, '');
  });

  it('bounds events per segment at 100, naming the interval option', () => {
    const stream = fixtureStream('bbb');
    assert.deepEqual(eventBoundIssues(stream, options('events=ping&ping__interval=4').options), []);
    const issues = eventBoundIssues(stream, options('events=ping,scte35&scte35__interval=3').options);
    assert.deepEqual(
      issues.map((i) => i.param),
      ['scte35__interval'],
    );
    assert.match(issues[0]!.reason, /at least 4/);
    // out-of-band events are not bounded per segment
    assert.deepEqual(
      eventBoundIssues(stream, options('events=ping&ping__interval=1&ping__inband=0').options),
      [],
    );
    // interval 0 never parses (§9.1: 1 … 2^32 − 1)
    const r = resolveOptions({
      query: new URLSearchParams('ping__interval=0'),
      mode: 'live',
      kind: 'segment',
    });
    assert.deepEqual(
      r.issues.map((i) => i.param),
      ['ping__interval'],
    );
  });
});

describe('MPD events (§9.4, §9.7)', () => {
  it('lists live events whose span reaches past B, up to Em + 2 × MUP, at most 100', () => {
    // Em = 600 s, MUP 8 s, depth 30: B = 570 s
    const m = manifest(`events=ping&ping__inband=0&depth=30&${START}`).model;
    const es = m.periods[0]!.eventStreams!;
    assert.equal(es.length, 1);
    assert.deepEqual(
      es[0]!.events.map((e) => e.id),
      [57, 58, 59, 60, 61],
    );
    assert.equal(es[0]!.value, '0');
    const many = manifest(`events=ping&ping__inband=0&ping__interval=10&${START}`).model;
    const kept = many.periods[0]!.eventStreams![0]!.events;
    assert.equal(kept.length, 100);
    // the newest: t_i up to Em + 2 × MUP = 616 s (61600 ticks), i.e. ids 6061 … 6160
    assert.deepEqual([kept[0]!.id, kept.at(-1)!.id], [6061, 6160]);
    // count limits the schedule: only events 0 … 2 ever exist, long gone from the window
    const counted = manifest(`events=ping&ping__inband=0&ping__count=3&depth=30&${START}`).model;
    assert.equal(counted.periods[0]!.eventStreams, undefined);
  });

  it('lists every static event inside the Period (at most 1000)', () => {
    const m = manifest(`events=ping&ping__inband=0`, 'vod').model;
    const events = m.periods[0]!.eventStreams![0]!.events;
    // bbb: 40 s; events at 0, 10, 20, 30 s
    assert.deepEqual(
      events.map((e) => e.presentationTime),
      ['0', '1000', '2000', '3000'],
    );
  });

  it('puts each event in the automatic Period holding it, relative to the Period start', () => {
    const m = manifest(`events=ping&ping__inband=0&depth=30&periods=80s&${START}`).model;
    const all = m.periods.flatMap((p) =>
      (p.eventStreams?.[0]?.events ?? []).map((e) => [p.id, e.id, e.presentationTime]),
    );
    assert.ok(all.length > 0);
    for (const [pid, id, pt] of all) {
      const p = m.periods.find((x) => x.id === pid)!;
      const startS = Number(
        /PT(?:(\d+)H)?(?:(\d+)M)?(\d+)S/
          .exec(p.start)!
          .slice(1)
          .reduce((a, v, i) => a + Number(v ?? 0) * [3600, 60, 1][i]!, 0),
      );
      assert.equal(Number(pt), Number(id) * 1000 - startS * 100);
    }
  });

  it('resets events on templates without the eventTypes feature', () => {
    const m = manifest('events=ping&ping__inband=0', 'live', 'manifest_a').model;
    assert.equal(m.periods[0]!.eventStreams, undefined);
    assert.ok(m.periods[0]!.adaptationSets.every((s) => s.inbandEventStreams === undefined));
  });

  it('validates every event variant against DASH-MPD.xsd', (t) => {
    const skip = validatorUnavailable();
    if (skip) return void t.skip(skip);
    const docs = new Map<string, string>();
    const variants = [
      'events=ping',
      'events=ping,scte35&scte35__value=x',
      'events=ping,scte35&ping__inband=0&scte35__inband=0',
      'events=scte35&scte35__inband=0&scte35__command=time_signal&timeline=1',
      'events=ping&ping__inband=0&periods=80s&depth=30',
    ];
    for (const template of ['hand_made', 'manifest_n'] as const) {
      for (const mode of ['live', 'vod'] as const) {
        for (const v of variants) {
          if (mode === 'vod' && v.includes('periods')) continue;
          docs.set(
            `${template} ${mode} ${v}`,
            renderManifest(manifest(`${v}&${START}`, mode, template).model),
          );
        }
      }
    }
    assert.deepEqual([...validateMpds(docs)], []);
  });
});
