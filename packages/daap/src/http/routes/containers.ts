// GET /databases/{db}/containers (daap.md §6.13). The base container is always present, listed
// first and exempt from query filtering (Music.app fails with "Has NO BASE PLAYLIST" otherwise).

import { container, encodeFields, type Field } from '../../dmap/encode.js';
import type { Container } from '../../model/containers.js';
import type { Database } from '../../model/database.js';
import { hash63 } from '../../model/item.js';
import type { Ctx } from '../context.js';
import { CONTAINER_QUERY_KEYS, lookupMeta } from '../fields.js';
import { chooseRevs, envelope, isFiltered } from '../listing.js';
import type { QueryRow } from '../query.js';
import { compileQuery } from '../query.js';
import { sendDmap } from '../reply.js';
import { applyWindow, parseIndex } from '../sort.js';
import { warnQuery } from './items.js';

const DEFAULT = new Set(['minm', 'mper', 'mpco', 'aeSP']);
const REQUESTABLE = new Set(['minm', 'mper', 'mpco', 'aeSP', 'aePS', 'aePP', 'aeSG', 'f?ch', 'aeMk']);

function containerPid(db: Database, c: Container): bigint {
  return c.persistentId ?? hash63(db.persistentId.toString(), 'container', String(c.id));
}

function block(db: Database, c: Container, rev: number, want: Set<string>, hasChildren: boolean): Buffer[] {
  const f: Field[] = [['miid', c.id]];
  if (want.has('minm')) f.push(['minm', c.name]);
  if (want.has('mper')) f.push(['mper', containerPid(db, c)]);
  f.push(['mimc', c.entries.sizeAt(rev)]);
  if (c.base) f.push(['abpl', 1]);
  if (want.has('mpco')) f.push(['mpco', c.parentId ?? 0]);
  if (want.has('aeSP') && c.smart) f.push(['aeSP', 1]);
  if (want.has('aePS') && c.specialKind !== undefined) f.push(['aePS', c.specialKind]);
  if (want.has('aePP') && c.podcast) f.push(['aePP', 1]);
  if (want.has('aeSG') && c.savedGenius) f.push(['aeSG', 1]);
  if (want.has('f?ch') && hasChildren) f.push(['f?ch', 1]);
  if (want.has('aeMk')) f.push(['aeMk', 1]);
  return container('mlit', [encodeFields(f)]);
}

function containerRow(db: Database, c: Container): QueryRow {
  return {
    get(key) {
      switch (key) {
        case 'dmap.itemid':
          return c.id;
        case 'dmap.itemname':
          return c.name;
        case 'dmap.persistentid':
          return containerPid(db, c);
        case 'com.apple.itunes.extended-media-kind':
          return 1;
        case 'daap.baseplaylist':
          return c.base ? 1 : 0;
        default:
          return undefined;
      }
    },
  };
}

export async function containers(ctx: Ctx, db: Database): Promise<void> {
  await db.items.ready();
  const meta = ctx.params.get('meta');
  const want =
    meta === undefined
      ? DEFAULT
      : meta.includes('all')
        ? REQUESTABLE
        : new Set(
            lookupMeta(meta)
              .map((c) => c.code)
              .filter((c) => REQUESTABLE.has(c)),
          );
  const revs = chooseRevs(ctx, isFiltered(ctx));
  const all = [...db.containers.values(revs.r)];
  const parents = new Set(all.map((c) => c.parentId).filter((p) => p !== undefined));
  if (revs.delta) {
    const diff = db.containers.diff(revs.d, revs.r);
    const blocks = diff.updated.map((id) =>
      block(db, db.containers.get(id, revs.r)!, revs.r, want, parents.has(id)),
    );
    await sendDmap(ctx, envelope('aply', { delta: true, total: all.length, blocks, removed: diff.removed }));
    return;
  }
  const q = compileQuery(
    ctx.params.get('query') ?? ctx.params.get('filter'),
    CONTAINER_QUERY_KEYS,
    warnQuery(ctx),
  );
  let rows = all;
  if (q) rows = rows.filter((c) => c.base || q(containerRow(db, c)));
  // The base container is listed first, so index windows from 0 include it.
  rows = [...rows.filter((c) => c.base), ...rows.filter((c) => !c.base)];
  const win = applyWindow(rows, parseIndex(ctx.params.get('index')));
  const blocks = win.rows.map((c) => block(db, c, revs.r, want, parents.has(c.id)));
  await sendDmap(ctx, envelope('aply', { delta: false, total: rows.length, blocks }));
}
