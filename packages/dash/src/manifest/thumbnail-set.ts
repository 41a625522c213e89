/** The thumbnail AdaptationSet of `hand_made` (dash.md §11.2). */
import {
  THUMBNAIL_HEIGHT,
  THUMBNAIL_ID,
  THUMBNAIL_SET_ID,
  THUMBNAIL_WIDTH,
  thumbnailBandwidth,
  thumbnailTiming,
} from '../thumbnails.js';
import type { AddressingContext } from './addressing.js';
import type { AdaptationSetModel } from './model.js';

export function thumbnailSet(ctx: AddressingContext, group: number): AdaptationSetModel {
  const t = thumbnailTiming(ctx.ref, ctx.options.snr);
  const d = t.dur[0]!;
  let first = t.s0;
  let pto = t.t0;
  if (ctx.period) {
    const { index, length } = ctx.period;
    // j·L is a whole number of thumbnail durations (checked with the Period layout)
    const ticks = (BigInt(index) * length.num * t.ts) / length.den;
    first += Number(ticks / d);
    pto += ticks;
  }
  const startNumber = ctx.options.snr === -1 && first === 1 ? {} : { startNumber: String(first) };
  const bandwidth = thumbnailBandwidth(t);
  return {
    id: THUMBNAIL_SET_ID,
    group,
    contentType: 'image',
    mimeType: 'image/jpeg',
    minBandwidth: bandwidth,
    maxBandwidth: bandwidth,
    segmentTemplate: {
      ...startNumber,
      timescale: t.ts.toString(),
      duration: d.toString(),
      presentationTimeOffset: pto.toString(),
      media: `${ctx.urlPrefix}$RepresentationID$/$Number$.jpg${ctx.queries.video}`,
    },
    representations: [
      {
        id: THUMBNAIL_ID,
        mimeType: 'image/jpeg',
        codecs: 'jpeg',
        width: THUMBNAIL_WIDTH,
        height: THUMBNAIL_HEIGHT,
        bandwidth,
      },
    ],
  };
}
