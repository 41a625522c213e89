// GET /content-codes (daap.md §3.4), generated from the registry in code order. It never fails
// and needs no session: Amarok and Banshee build their whole type table from it.

import { container, element, encodeFields } from '../../dmap/encode.js';
import { listedCodes } from '../../dmap/registry.js';
import type { Ctx } from '../context.js';
import { sendDmap } from '../reply.js';

let cached: Buffer | undefined;

export function contentCodesReply(): Buffer {
  if (cached) return cached;
  const entries = listedCodes().map((c) =>
    container('mdcl', [
      encodeFields([
        ['mcnm', c.code],
        ['mcna', c.name],
        ['mcty', c.type as number],
      ]),
    ]),
  );
  cached = Buffer.concat(container('mccr', [element('mstt', 200), ...entries]));
  return cached;
}

export async function contentCodes(ctx: Ctx): Promise<void> {
  await sendDmap(ctx, contentCodesReply());
}
