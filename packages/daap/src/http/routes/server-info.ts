// GET /server-info (daap.md §6.6), fields in OwnTone's proven order. apro stays before ated and
// asgr, the first tags libdmapsharing 2.9.41 does not know.

import { container, encodeFields, type Field } from '../../dmap/encode.js';
import type { Ctx } from '../context.js';
import { sendDmap } from '../reply.js';

export async function serverInfo(ctx: Ctx): Promise<void> {
  const st = ctx.state;
  const cv = ctx.req.headers['client-daap-version'];
  const old = cv === '1.0' ? '1.0.0' : cv === '2.0' ? '2.0.0' : undefined;
  const mpro = old !== undefined ? '1.0.0' : '2.0.10';
  const apro = old ?? '3.0.12';
  const ua = ctx.userAgent ?? '';
  const apple = ua.startsWith('iTunes') || ua.startsWith('Music');
  const fields: Field[] = [
    ['mstt', 200],
    ['mpro', mpro],
    ['minm', st.share.name],
    ['apro', apro],
    ['aeSV', apro.split('.').length === 3 ? parseV(apro) : parseV('3.0.12')],
  ];
  if (st.media.artwork) fields.push(['ated', 7]);
  fields.push(
    ['asgr', apple ? 0 : 3],
    ['aeMQ', 1],
    ['aeTr', 1],
    ['aeSL', 1],
    ['aeSR', 1],
    ['msed', 0],
    ['mslr', 1],
    ['mstm', 1800],
    ['msal', 1],
    ['msau', st.opts.password !== undefined ? 2 : 0],
    ['msup', 1],
    ['mspi', 1],
    ['msex', 1],
    ['msbr', 1],
    ['msqy', 1],
    ['msix', 1],
    ['msdc', st.share.databases.size(st.share.revision)],
  );
  await sendDmap(ctx, container('msrv', [encodeFields(fields)]));
}

function parseV(s: string): { major: number; minor: number; patch: number } {
  const [a, b, c] = s.split('.').map(Number);
  return { major: a ?? 0, minor: b ?? 0, patch: c ?? 0 };
}
