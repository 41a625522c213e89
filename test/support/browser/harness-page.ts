/**
 * The harness page of testing.md §3.2: loads dash.js or Shaka from the harness origin, plays the
 * MPD named in the query and exposes `window.probe` for the test. Query parameters:
 * `player=dashjs|shaka`, `mpd=<url>`, `settings=<json>` (dash.js updateSettings / Shaka
 * configure), `width=<css px>` to scale the video up for screenshots.
 *
 * `probe.snapshot()` gathers everything the judge needs in one round trip, so the Node side never
 * touches DOM types (the repository's tsconfig has no DOM lib).
 */
export const HARNESS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>loopcast player harness</title>
<link rel="icon" href="data:,">
<style>
  body { margin: 0; background: #202020; color: #ddd; font: 14px/1.4 sans-serif; }
  video { display: block; background: #000; }
  #caption { padding: 6px 10px; overflow-wrap: anywhere; }
</style>
</head>
<body>
<video id="v" muted playsinline></video>
<div id="caption"></div>
<script>
const q = new URLSearchParams(location.search);
const v = document.getElementById('v');
if (q.has('width')) v.style.width = q.get('width') + 'px';
document.getElementById('caption').textContent = q.get('player') + ' \\u2014 ' + q.get('mpd');
const probe = (window.probe = { errors: [], events: [], latency: () => null, isLive: () => null });
for (const name of ['playing', 'waiting', 'error', 'ended']) {
  v.addEventListener(name, () => probe.events.push([name, Date.now()]));
}
// A decode or source error on the element is a player failure even when the player says nothing.
v.addEventListener('error', () => probe.errors.push('video element error ' + (v.error ? v.error.code + ' ' + v.error.message : '')));
probe.snapshot = () => {
  const quality = v.getVideoPlaybackQuality();
  return {
    wall: Date.now(),
    t: v.currentTime,
    paused: v.paused,
    readyState: v.readyState,
    width: v.videoWidth,
    height: v.videoHeight,
    frames: quality.totalVideoFrames,
    dropped: quality.droppedVideoFrames,
    latency: probe.latency(),
    live: probe.isLive(),
    errors: probe.errors.slice(),
    events: probe.events.map((e) => e[0]),
  };
};
const load = (src) => new Promise((ok, ko) => {
  const s = document.createElement('script');
  s.src = src;
  s.onload = ok;
  s.onerror = () => ko(new Error('cannot load ' + src));
  document.head.append(s);
});
(async () => {
  const settings = q.has('settings') ? JSON.parse(q.get('settings')) : null;
  if (q.get('player') === 'dashjs') {
    await load('/lib/dash.all.min.js');
    const p = dashjs.MediaPlayer().create();
    if (settings) p.updateSettings(settings);
    p.on(dashjs.MediaPlayer.events.ERROR, (e) => probe.errors.push('dashjs ' + JSON.stringify(e.error).slice(0, 300)));
    p.initialize(v, q.get('mpd'), true);
    // isDynamic() throws until the manifest has been parsed.
    const dynamic = () => { try { return p.isDynamic(); } catch { return null; } };
    probe.isLive = dynamic;
    probe.latency = () => dynamic() ? p.getCurrentLiveLatency() : null;
    probe.player = p;
  } else if (q.get('player') === 'shaka') {
    await load('/lib/shaka-player.compiled.js');
    shaka.polyfill.installAll();
    const p = new shaka.Player();
    await p.attach(v);
    if (settings) p.configure(settings);
    p.addEventListener('error', (e) => probe.errors.push('shaka ' + e.detail.code + ' severity ' + e.detail.severity));
    probe.player = p;
    await p.load(q.get('mpd')).catch((e) => probe.errors.push('shaka load ' + e.code));
    probe.isLive = () => p.isLive();
    // Shaka has no latency getter: wall clock minus presentation start minus the playhead.
    probe.latency = () => p.isLive()
      ? (Date.now() - p.getPresentationStartTimeAsDate().getTime()) / 1000 - v.currentTime
      : null;
    await v.play().catch((e) => probe.errors.push('play ' + e));
  } else {
    throw new Error('unknown player ' + q.get('player'));
  }
})().catch((e) => probe.errors.push('setup ' + e));
</script>
</body>
</html>
`;
