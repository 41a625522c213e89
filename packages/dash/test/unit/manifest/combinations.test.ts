/**
 * dash.md §4.7: the test matrix over the families timeline, base, abr, acodec, start, depth,
 * mup, time and periodDur for every template and mode. Every MPD validates against the schema
 * (one xmllint call) and every segment of its first window plans successfully, fetched through
 * the child URL the MPD wrote. Large products are sampled deterministically to keep the unit tier
 * lean.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildManifest } from '../../../src/manifest/manifest.js';
import type { SegmentTemplateModel } from '../../../src/manifest/model.js';
import { supportedCombinations } from '../../../src/options/combinations.js';
import { resolveOptions } from '../../../src/options/parse.js';
import { planSegment, type SegmentAddress } from '../../../src/segments/plan.js';
import { TEMPLATES, TEMPLATE_NAMES, type Mode } from '../../../src/templates/registry.js';
import { fixtureStream } from '../../fixtures/streams.js';
import { validateMpds, validatorUnavailable } from '../../support/xmllint.js';

const NOW = 1740831002500;
const FAMILIES = ['timeline', 'base', 'abr', 'acodec', 'start', 'depth', 'mup', 'time', 'periodDur'];
const CAP = 24;
const bbb = fixtureStream('bbb');

function sample<T>(items: T[], cap: number, seed: number): T[] {
  if (items.length <= cap) return items;
  const picked = new Set<number>([0, items.length - 1]);
  let x = seed;
  while (picked.size < cap) {
    x = (x * 1103515245 + 12345) % 2147483648;
    picked.add(Math.floor((x / 2147483648) * items.length));
  }
  return [...picked].sort((a, b) => a - b).map((i) => items[i]!);
}

/** Segment addresses of the first window, read from the MPD as a client would. */
function addresses(
  st: SegmentTemplateModel,
  mode: Mode,
  timing: { elapsedMs: number; bufferStartMs: number } | null,
  presentationMs: number,
): SegmentAddress[] {
  const out: SegmentAddress[] = [];
  const start = Number(st.startNumber ?? '1');
  if (st.timeline) {
    let t = 0n;
    let i = 0;
    for (const s of st.timeline) {
      if (s.t !== undefined) t = BigInt(s.t);
      for (let r = 0; r <= (s.r ?? 0); r++) {
        out.push(
          st.media.includes('$Time$') ? { kind: 'time', time: t } : { kind: 'number', number: start + i },
        );
        t += BigInt(s.d);
        i++;
      }
    }
    return out;
  }
  const ts = Number(st.timescale);
  const d = Number(st.duration);
  let first = start;
  let last: number;
  if (mode === 'live' && timing) {
    first = start + Math.max(0, Math.floor((timing.bufferStartMs * ts) / (1000 * d)));
    last = start + Math.floor((timing.elapsedMs * ts) / (1000 * d)) - 1;
  } else {
    last = start + Math.ceil((presentationMs * ts) / (1000 * d)) - 1;
  }
  for (let n = first; n <= last; n++) out.push({ kind: 'number', number: n });
  return out;
}

describe('test matrix (§4.7)', () => {
  const docs = new Map<string, string>();
  const planFailures: string[] = [];
  let planned = 0;
  for (const name of TEMPLATE_NAMES) {
    const template = TEMPLATES[name];
    for (const mode of template.modes) {
      const all = [...supportedCombinations(template, mode, { only: FAMILIES })];
      for (const q of sample(all, CAP, name.length * 7919 + mode.length)) {
        const key = `${name} ${mode} ${q}`;
        const resolved = resolveOptions({
          query: new URLSearchParams(q),
          mode,
          kind: 'manifest',
          stream: bbb,
          template,
        });
        const r = buildManifest({
          stream: bbb,
          template,
          mode,
          resolved,
          nowMs: NOW,
          origin: 'http://localhost:5000',
        });
        if (r.kind !== 'manifest') {
          planFailures.push(`${key}: ${r.kind}`);
          continue;
        }
        docs.set(key, r.xml);
        if (mode === 'odvod') continue;
        const timing = r.timing.kind === 'live' ? r.timing : null;
        for (const set of r.model.periods[0]!.adaptationSets) {
          for (const rep of set.representations) {
            const st = rep.segmentTemplate!;
            const query = new URLSearchParams(st.media.split('?')[1] ?? '');
            const o = resolveOptions({ query, mode, kind: 'segment', stream: bbb });
            const list = addresses(st, mode, timing, 40000);
            if (list.length === 0) planFailures.push(`${key} ${rep.id}: empty window`);
            for (const a of list) {
              const p = planSegment(bbb, mode, rep.id, a, o.options, NOW);
              planned++;
              if (p.kind !== 'media' || (a.kind === 'time' && p.baseMediaDecodeTime !== a.time)) {
                planFailures.push(
                  `${key} ${rep.id} ${JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}: ${p.kind}`,
                );
              }
            }
          }
        }
      }
    }
  }

  it(`plans every segment of every first window (${planned} plans)`, () => {
    assert.ok(planned > 1000);
    assert.deepEqual(planFailures.slice(0, 10), []);
  });

  const skip = validatorUnavailable();
  it(`validates ${docs.size} MPDs against DASH-MPD.xsd`, { skip: skip ?? false }, () => {
    const failures = validateMpds(docs);
    assert.deepEqual([...failures].slice(0, 5), []);
  });
});
