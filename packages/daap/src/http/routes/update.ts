// GET /update, the long poll (daap.md §6.9).

import { container, encodeFields } from '../../dmap/encode.js';
import type { Ctx } from '../context.js';
import { sendEmpty, writeBody } from '../reply.js';
import { intParam } from '../request.js';
import type { Waiter } from '../update-hub.js';

function mupd(rev: number): Buffer {
  return Buffer.concat(
    container('mupd', [
      encodeFields([
        ['mstt', 200],
        ['musr', rev],
      ]),
    ]),
  );
}

export function update(ctx: Ctx): Promise<void> {
  const st = ctx.state;
  const R = st.share.revision;
  const r = intParam(ctx.params, 'revision-number') ?? 1;
  const s = ctx.session;
  // Closing: end without a body (an answer may never repeat the client's revision, rule 3).
  if (st.closing) {
    sendEmpty(ctx, 204);
    return Promise.resolve();
  }
  // Rule 1: revisions differ (first call, missed update, stale client) → answer at once.
  if (r !== R) {
    writeBody(ctx, mupd(R), false);
    return Promise.resolve();
  }
  // Rule 2: hold. The session holds R now.
  if (s) {
    s.heldRevision = R;
    if (s.state === 'connecting') st.sessions.setState(s, 'connected');
  }
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      ctx.res.off('close', onClose);
      st.hub.remove(waiter);
      if (s) {
        const i = s.waiters.indexOf(cancelFn);
        if (i >= 0) s.waiters.splice(i, 1);
      }
      resolve();
    };
    const cancelFn = (): void => {
      if (done) return;
      finish();
      // Held requests are ended without a body (rule 6, logout, close()).
      sendEmpty(ctx, 204);
    };
    const onClose = (): void => finish(); // rule 5: disconnect cleanup, at once
    const waiter: Waiter = {
      since: st.timers.now(),
      session: s,
      answer: (rev) => {
        if (done) return;
        finish();
        // Rule 3: never repeat the client's revision (a new commit always differs from r).
        if (rev === r) sendEmpty(ctx, 204);
        else writeBody(ctx, mupd(rev), false);
      },
      cancel: cancelFn,
    };
    ctx.res.on('close', onClose);
    st.hub.add(waiter);
    if (s) {
      s.waiters.push(cancelFn);
      // Rule 6: at most 2 held requests per session; a third closes the oldest.
      while (s.waiters.length > 2) s.waiters[0]!();
    }
  }).then(() => {
    if (ctx.res.writableEnded) return;
    if (!ctx.res.destroyed) sendEmpty(ctx, 204);
  });
}
