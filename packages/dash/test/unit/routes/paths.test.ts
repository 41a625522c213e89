import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { legacyManifestTarget, parseStreamingPath } from '../../../src/routes/paths.js';

describe('streaming paths (§3.1)', () => {
  const ok: [string, unknown][] = [
    [
      '/dash/live/bbb/hand_made.mpd',
      { kind: 'manifest', mode: 'live', stream: 'bbb', template: 'hand_made' },
    ],
    ['/dash/vod/bbb/manifest_a', { kind: 'manifest', mode: 'vod', stream: 'bbb', template: 'manifest_a' }],
    [
      '/dash/live/bbb/bbb_v6/init.m4v',
      {
        kind: 'segment',
        mode: 'live',
        stream: 'bbb',
        rep: 'bbb_v6',
        ext: 'm4v',
        baseUrlIndex: null,
        address: { kind: 'init' },
      },
    ],
    [
      '/dash/live/bbb/bbb_v6/143.m4v',
      {
        kind: 'segment',
        mode: 'live',
        stream: 'bbb',
        rep: 'bbb_v6',
        ext: 'm4v',
        baseUrlIndex: null,
        address: { kind: 'number', number: 143 },
      },
    ],
    [
      '/dash/vod/bbb/BBB_A1/time/1764000.m4a',
      {
        kind: 'segment',
        mode: 'vod',
        stream: 'bbb',
        rep: 'BBB_A1',
        ext: 'm4a',
        baseUrlIndex: null,
        address: { kind: 'time', time: 1764000n },
      },
    ],
    [
      '/dash/live/bbb/bu1/bbb_v6/1.m4s',
      {
        kind: 'segment',
        mode: 'live',
        stream: 'bbb',
        rep: 'bbb_v6',
        ext: 'm4s',
        baseUrlIndex: 1,
        address: { kind: 'number', number: 1 },
      },
    ],
    [
      '/dash/live/bbb/t999/3.jpg',
      {
        kind: 'segment',
        mode: 'live',
        stream: 'bbb',
        rep: 't999',
        ext: 'jpg',
        baseUrlIndex: null,
        address: { kind: 'number', number: 3 },
      },
    ],
    [
      '/dash/odvod/bbb/bbb_v6.m4v',
      { kind: 'odvod-file', stream: 'bbb', rep: 'bbb_v6', ext: 'm4v', baseUrlIndex: null },
    ],
    [
      '/dash/odvod/bbb/bu0/bbb_v6.m4v',
      { kind: 'odvod-file', stream: 'bbb', rep: 'bbb_v6', ext: 'm4v', baseUrlIndex: 0 },
    ],
    ['/dash/live/bbb/', { kind: 'stream-prefix', mode: 'live', stream: 'bbb' }],
    ['/dash/hand_made.mpd', { kind: 'legacy-manifest', name: 'hand_made', stream: null }],
    ['/dash/bbb/enc.mpd', { kind: 'legacy-manifest', name: 'enc', stream: 'bbb' }],
    ['/time/xsd', { kind: 'time', source: 'xsd' }],
    ['/time/http-ntp', { kind: 'time', source: 'http-ntp' }],
  ];
  for (const [path, expected] of ok) it(path, () => assert.deepEqual(parseStreamingPath(path), expected));

  const notFound = [
    '/dash/live/bbb/Hand_Made.mpd',
    '/dash/live/bbb/bbb_v6/1.mp3',
    '/dash/live/bbb/bbb_v6/1.jpg',
    '/dash/live/bbb/bbb_v6/1234567890123456.m4v',
    '/dash/live/bbb/bbb_v6/time/123456789012345678901.m4v',
    '/dash/live/bbb/bbb_v6/-1.m4v',
    '/dash/live/bbb/bbb_v6/1e3.m4v',
    '/dash/live/bbb/bu8/bbb_v6/1.m4v',
    '/dash/live/bbb/bu01/bbb_v6/1.m4v',
    '/dash/live/bbb/bu1/',
    '/dash/odvod/bbb/bbb_v6/1.m4v',
    '/dash/live/bbb/bbb_v6.m4v',
    '/dash/live/b/hand_made.mpd',
    '/dash/other/bbb/hand_made.mpd',
    '/time/ntp',
  ];
  for (const path of notFound) it(`${path} → null`, () => assert.equal(parseStreamingPath(path), null));
});

describe('legacy manifest URLs (§3.5)', () => {
  it('redirects with the mode from the query', () => {
    assert.equal(
      legacyManifestTarget('hand_made', 'bbb', new URLSearchParams('mode=live&depth=30')),
      '/dash/live/bbb/hand_made.mpd?depth=30',
    );
    assert.equal(
      legacyManifestTarget('enc', 'bbb', new URLSearchParams('')),
      '/dash/vod/bbb/hand_made.mpd?drm=all',
    );
    assert.equal(
      legacyManifestTarget('manifest_vod', 'bbb', new URLSearchParams('')),
      '/dash/vod/bbb/hand_made.mpd',
    );
    assert.equal(
      legacyManifestTarget('manifest_a', 'bbb', new URLSearchParams('mode=live')),
      '/dash/live/bbb/manifest_a.mpd',
    );
    assert.equal(legacyManifestTarget('nothing', 'bbb', new URLSearchParams('')), null);
  });
});
