/**
 * `timelineBody` (manifest/xml.ts) writes repeated runs of S elements as copies of earlier
 * lines: the text must be exactly one line per S, as `_timeline.eta` wrote them one by one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TimelineS } from '../../../src/manifest/model.js';
import { attr, timelineBody } from '../../../src/manifest/xml.js';

const PRE = '        <S';

/** The per-line form, written out plainly. */
function lineByLine(tl: readonly TimelineS[]): string {
  return tl
    .map((s) => `${PRE}${attr('t', s.t)}${attr('n', s.n)}${attr('d', s.d)}${attr('r', s.r)}/>\n`)
    .join('');
}

/** Deterministic pseudo-random numbers in [0, n). */
function randoms(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.floor((x / 2147483648) * n);
  };
}

describe('timelineBody', () => {
  it('writes the empty and one-element timelines', () => {
    assert.equal(timelineBody([], PRE), '');
    assert.equal(timelineBody([{ t: '0', d: '5' }], PRE), `${PRE} t="0" d="5"/>\n`);
  });

  it('equals the line-by-line text for loops, broken loops, gaps and runs', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = randoms(seed);
      // a loop pattern of 1–20 S, repeated with occasional changes (a loop correction, a gap)
      const pattern: TimelineS[] = Array.from({ length: 1 + rnd(20) }, () => {
        const d = String(90000 + rnd(3) * 1024);
        return rnd(3) === 0 ? { d, r: 1 + rnd(3) } : { d };
      });
      const tl: TimelineS[] = [{ t: String(rnd(1e9)), d: pattern[0]!.d }];
      const length = rnd(400);
      for (let i = 0; i < length; i++) {
        const s = { ...pattern[i % pattern.length]! };
        if (rnd(25) === 0) s.d = String(96768 + rnd(2));
        if (rnd(60) === 0) s.n = String(1000 + i);
        if (rnd(40) === 0) s.r = rnd(4);
        tl.push(s);
      }
      assert.equal(timelineBody(tl, PRE), lineByLine(tl), `seed ${seed}`);
    }
  });

  it('escapes values as the template did', () => {
    const tl: TimelineS[] = [{ t: '1', d: '2' }, { d: '<&>' }, { d: '<&>' }, { d: '"' }, { d: '<&>' }];
    assert.equal(timelineBody(tl, PRE), lineByLine(tl));
    assert.ok(timelineBody(tl, PRE).includes('d="&lt;&amp;&gt;"'));
  });
});
