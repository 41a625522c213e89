// GET /databases (daap.md §6.11): miid, minm, mimc and mctc always; mper in the default set.

import { container, encodeFields, type Field } from '../../dmap/encode.js';
import { lookupMeta } from '../fields.js';
import type { Database } from '../../model/database.js';
import type { Ctx } from '../context.js';
import { chooseRevs, envelope, isFiltered } from '../listing.js';
import { sendDmap } from '../reply.js';
import { applyWindow, parseIndex } from '../sort.js';

function dbBlock(db: Database, rev: number, withPer: boolean): Buffer[] {
  const f: Field[] = [['miid', db.id]];
  if (withPer) f.push(['mper', db.persistentId]);
  f.push(['minm', db.name], ['mimc', db.items.size(rev)], ['mctc', db.containers.size(rev)]);
  return container('mlit', [encodeFields(f)]);
}

export async function databases(ctx: Ctx): Promise<void> {
  const share = ctx.state.share;
  const revs = chooseRevs(ctx, isFiltered(ctx));
  const meta = ctx.params.get('meta');
  const withPer =
    meta === undefined || lookupMeta(meta).some((c) => c.code === 'mper') || meta.includes('all');
  for (const rec of share.databases.values(revs.r)) await rec.database.items.prepareCount();
  if (revs.delta) {
    const diff = share.databases.diff(revs.d, revs.r);
    const blocks = diff.updated.map((id) =>
      dbBlock(share.databases.get(id, revs.r)!.database, revs.r, withPer),
    );
    await sendDmap(
      ctx,
      envelope('avdb', { delta: true, total: share.databases.size(revs.r), blocks, removed: diff.removed }),
    );
    return;
  }
  const all = [...share.databases.values(revs.r)];
  const win = applyWindow(all, parseIndex(ctx.params.get('index')));
  const blocks = win.rows.map((rec) => dbBlock(rec.database, revs.r, withPer));
  await sendDmap(ctx, envelope('avdb', { delta: false, total: all.length, blocks }));
}
