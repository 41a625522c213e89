// /login, /logout, /activity (daap.md §6.8, §6.5).

import { container, encodeFields } from '../../dmap/encode.js';
import type { Ctx } from '../context.js';
import { sendDmap, sendEmpty } from '../reply.js';

export async function login(ctx: Ctx): Promise<void> {
  const st = ctx.state;
  const reqId = ctx.params.get('request-session-id');
  const requested = reqId !== undefined && /^\d{1,10}$/.test(reqId) ? Number(reqId) : undefined;
  if (st.opts.password !== undefined && st.sessions.countFrom(ctx.address) >= 10) {
    sendEmpty(ctx, 503, { 'Retry-After': '60' });
    return;
  }
  const cv = ctx.req.headers['client-daap-version'];
  const s = st.sessions.create(
    ctx.address,
    st.share.revision,
    ctx.userAgent,
    typeof cv === 'string' ? cv : undefined,
    requested,
  );
  st.sessions.touch(s);
  st.log.info({ session: s.id, address: ctx.address, ua: ctx.userAgent }, 'daap login');
  await sendDmap(
    ctx,
    container('mlog', [
      encodeFields([
        ['mstt', 200],
        ['mlid', s.id],
      ]),
    ]),
  );
}

export function logout(ctx: Ctx): Promise<void> {
  const id = ctx.params.get('session-id');
  if (id !== undefined && /^\d{1,10}$/.test(id)) ctx.state.sessions.destroy(Number(id));
  sendEmpty(ctx, 204);
  return Promise.resolve();
}

export function activity(ctx: Ctx): Promise<void> {
  sendEmpty(ctx, 204);
  return Promise.resolve();
}
