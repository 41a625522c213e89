/**
 * MPD patch of a live multi-period stream (drm-events.md §11, §12.7): the PatchLocation, and the
 * apply-and-compare test — the patch applied to the base MPD equals the current MPD — across
 * Period boundaries, where Periods leave the window and new ones arrive; refusals of §11.2.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveMpsOptions } from '../../../src/multi-period/options.js';
import { buildMpsPatch } from '../../../src/multi-period/patch.js';
import { canonical, parseXml } from '../../../src/patch/diff.js';
import { applyPatch } from '../patch/apply.js';
import { mpsManifest, ORIGIN, twoPeriods } from './fixture.js';

const AST = '2026-01-01T00:00:00Z';
const at = (seconds: number) => Date.parse(AST) + seconds * 1000;
const QUERY = `start=${AST}&depth=30&patch=1`;

function patch(publishSeconds: number, nowSeconds: number) {
  const mps = twoPeriods();
  const resolved = resolveMpsOptions(mps, null, new URLSearchParams(QUERY), 'live', 'manifest');
  return buildMpsPatch({
    mps,
    mode: 'live',
    resolved,
    nowMs: at(nowSeconds),
    origin: ORIGIN,
    publish: String(Date.parse(AST) / 1000 + publishSeconds),
  });
}

function xmlAt(seconds: number): string {
  const m = mpsManifest(twoPeriods(), 'live', QUERY, at(seconds));
  assert.equal(m.kind, 'manifest');
  return m.kind === 'manifest' ? m.xml : '';
}

describe('multi-period MPD patch', () => {
  it('writes a PatchLocation under /mps/patch with the publish instant and ttl', () => {
    const xml = xmlAt(100);
    assert.match(
      xml,
      /<PatchLocation ttl="30">http:\/\/localhost:5000\/mps\/patch\/two-periods\/hand_made\/1767225696\?depth=30&amp;start=2026-01-01T00:00:00Z<\/PatchLocation>/,
    );
  });

  it('turns the base MPD into the current one across Period boundaries', () => {
    // MUP 8 s: publish instants every 8 s; p2_0 ends and p1_1 begins at 72 s
    for (const [base, now] of [
      [64, 72],
      [64, 80],
      [96, 104],
      [136, 150],
    ] as const) {
      const p = patch(base, now);
      assert.equal(p.kind, 'patch', JSON.stringify(p));
      if (p.kind !== 'patch') continue;
      const applied = applyPatch(xmlAt(base), p.xml);
      assert.equal(canonical(applied), canonical(parseXml(xmlAt(now))), `${base} → ${now}\n${p.xml}`);
    }
  });

  it('refuses a base off the publish grid (404), the current one (425) and an expired one (410)', () => {
    assert.equal(patch(65, 80).kind, 'NotFound');
    assert.equal(patch(80, 80).kind, 'TooEarly');
    assert.equal(patch(8, 200).kind, 'Gone');
  });
});
