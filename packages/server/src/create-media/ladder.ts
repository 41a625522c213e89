/** Video ladders of `loopcast create-media` (app.md §11 step 3): dash-live's profiles and `--ladder`. */

/** The encoder of a rung (§11 step 3's Codec column): H.264 High by default. */
export type RungCodec = 'h264-high' | 'h264-main' | 'hevc';

export interface Rung {
  width: number;
  height: number;
  kbps: number;
  codec?: RungCodec;
}

const HD: Rung[] = [
  { width: 1280, height: 720, kbps: 4900 },
  { width: 1280, height: 720, kbps: 3200 },
  { width: 1024, height: 576, kbps: 2300 },
  { width: 800, height: 450, kbps: 1650 },
  { width: 640, height: 360, kbps: 1150 },
  { width: 512, height: 288, kbps: 800 },
  { width: 352, height: 198, kbps: 500 },
];

/** The profile table of §11 step 3. */
export const PROFILES: Record<string, readonly Rung[]> = {
  hd: HD,
  hq: [{ width: 1920, height: 1080, kbps: 8600 }, ...HD],
  sd: HD.slice(3).map((r, i) => (i === 0 ? { width: 896, height: 504, kbps: 1700 } : r)),
  mobile: [
    ...HD.slice(3),
    { width: 320, height: 180, kbps: 300 },
    { width: 320, height: 180, kbps: 200, codec: 'h264-main' },
  ],
  uhd: [
    { width: 3840, height: 1632, kbps: 5000, codec: 'hevc' },
    { width: 1920, height: 1080, kbps: 4000, codec: 'hevc' },
    { width: 1280, height: 720, kbps: 2070, codec: 'hevc' },
    { width: 768, height: 432, kbps: 1022, codec: 'hevc' },
    { width: 512, height: 288, kbps: 507, codec: 'hevc' },
  ],
};

/** `WxH@KBPS,…`, sorted highest bitrate first so `_v1` is the top rung; null when malformed. */
export function parseLadder(text: string): Rung[] | null {
  const rungs: Rung[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)x(\d+)@(\d+)$/.exec(part.trim());
    if (!m) return null;
    const [width, height, kbps] = [Number(m[1]), Number(m[2]), Number(m[3])];
    // libx264 with yuv420p needs even dimensions
    if (width < 2 || height < 2 || width % 2 || height % 2 || kbps < 1) return null;
    rungs.push({ width, height, kbps });
  }
  return rungs.sort((a, b) => b.kbps - a.kbps);
}

/** dash-live's rate-control ratios around the rung's bitrate B (kbit/s). */
export function rateControlArgs(kbps: number): string[] {
  return [
    ['-b:v', `${Math.round((kbps * 10) / 12)}k`],
    ['-maxrate', `${kbps}k`],
    ['-minrate', `${Math.round((kbps * 10) / 14)}k`],
    ['-bufsize', `${2 * kbps}k`],
  ].flat();
}

/** §11 step 2: 10 × fps for whole rates, else the rate's numerator (30000 for 30000/1001). */
export function videoTimescale(num: number, den: number): number {
  return den === 1 ? 10 * num : num;
}
