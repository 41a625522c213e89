/**
 * The latency a live manifest asks for (testing.md §3.4): the ServiceDescription latency target
 * when present, else MPD@suggestedPresentationDelay; null when it names neither, in which case
 * the test configures the players' live delay itself and compares with that.
 */

/** Seconds of an xs:duration such as `PT30S`, `PT1M0.5S` or `P1DT2H`; NaN when malformed. */
export function durationSeconds(text: string): number {
  const m =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text.trim(),
    );
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return NaN;
  const [d, h, min, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  return d! * 86400 + h! * 3600 + min! * 60 + s!;
}

export function manifestLatencyTarget(mpd: string): number | null {
  const latency = /<ServiceDescription\b[\s\S]*?<Latency\b[^>]*\btarget="(\d+(?:\.\d+)?)"/.exec(mpd);
  if (latency) return Number(latency[1]) / 1000;
  const mpdTag = /<MPD\b[^>]*>/.exec(mpd)?.[0] ?? '';
  const spd = /\bsuggestedPresentationDelay="([^"]+)"/.exec(mpdTag);
  if (spd) return durationSeconds(spd[1]!);
  return null;
}

/** MPD@maxSegmentDuration in seconds, null when absent. */
export function manifestMaxSegmentDuration(mpd: string): number | null {
  const value = /\bmaxSegmentDuration="([^"]+)"/.exec(/<MPD\b[^>]*>/.exec(mpd)?.[0] ?? '')?.[1];
  return value === undefined ? null : durationSeconds(value);
}

/** MPD@minimumUpdatePeriod in seconds, 0 when absent (the manifest is never reloaded). */
export function manifestUpdatePeriod(mpd: string): number {
  const value = /\bminimumUpdatePeriod="([^"]+)"/.exec(/<MPD\b[^>]*>/.exec(mpd)?.[0] ?? '')?.[1];
  return value === undefined ? 0 : durationSeconds(value);
}

/** How far from the wall clock a player may play, in seconds: [min, max]. */
export type LatencyRange = [number, number];

/**
 * The latency each player should hold for a latency target, ± `tolerance`.
 *
 * - dash.js plays `target` behind the wall clock.
 * - Shaka places its live edge one maximum segment duration behind the clock (the newest segment
 *   that is surely complete, lib/media/presentation_timeline.js getLiveEdge_) and plays `target`
 *   behind that edge.
 * - With a SegmentTimeline Shaka also stops at the newest segment the manifest lists, and a live
 *   manifest lists only what was complete at its publish instant, which steps every MUP (dash.md
 *   §7.4): that edge is up to one MUP older, so the latency Shaka settles on depends on the
 *   manifest's age when it loaded (10.3–14.3 s were seen for a 10 s target, MUP 4 s).
 */
export function expectedLatencyRange(
  player: 'dashjs' | 'shaka',
  target: number,
  mpd: string,
  segmentDuration: number,
  tolerance = 2,
): LatencyRange {
  if (player === 'dashjs') return [target - tolerance, target + tolerance];
  const edge = manifestMaxSegmentDuration(mpd) ?? segmentDuration;
  if (!/<SegmentTimeline\b/.test(mpd)) return [target + edge - tolerance, target + edge + tolerance];
  return [target - tolerance, target + edge + manifestUpdatePeriod(mpd) + tolerance];
}
