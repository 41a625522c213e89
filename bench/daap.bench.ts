// DAAP benchmarks (daap.md §12): B1 model build, B2 full items listing, B3 delta.
// Run: node --expose-gc --import tsx bench/daap.bench.ts [--quick]
// Prints figures, goals and "below goal" when missed; exits non-zero only when a correctness
// check fails, never for timing.

import { gzipSync } from 'node:zlib';
import { Share } from '../packages/daap/src/model/share.js';
import type { Item } from '../packages/daap/src/model/item.js';
import {
  ALL_ITEM_FIELDS,
  encodeEntryBlocks,
  encodeItemBlocks,
  itemBlock,
  parseItemMeta,
} from '../packages/daap/src/http/fields.js';
import { envelope } from '../packages/daap/src/http/listing.js';
import { byteLength } from '../packages/daap/src/dmap/encode.js';
import { decode, type DmapNode } from '../packages/daap/src/dmap/decode.js';
import { RevisionStore } from '../packages/daap/src/model/revisions.js';
import { BenchReport, ms } from './support/report.js';

const quick = process.argv.includes('--quick');
const N = quick ? 10_000 : 100_000;
const gc = (globalThis as { gc?: () => void }).gc;
const collect = (): void => {
  gc?.();
  gc?.();
};

const report = new BenchReport(44);
const line = report.line.bind(report);
const check = report.check.bind(report);

function makeItem(i: number): Item {
  return {
    id: i,
    name: `Song ${i}`,
    artist: `Artist ${i % 500}`,
    album: `Album ${i % 2000}`,
    year: 1960 + (i % 60),
    trackNumber: (i % 20) + 1,
    durationMs: 180_000 + (i % 1000),
    size: 4_000_000 + i,
  };
}

function richItem(i: number): Item {
  return {
    ...makeItem(i),
    albumArtist: `Artist ${i % 500}`,
    genre: 'Rock',
    composer: `Composer ${i % 300}`,
    comment: 'bench',
    trackCount: 20,
    discNumber: 1,
    discCount: 1,
    bitrate: 256,
    sampleRate: 44100,
    format: 'm4a',
    description: 'AAC audio file',
    codec: 'mp4a',
    dateAdded: new Date(1_700_000_000_000),
    dateModified: new Date(1_700_000_000_000),
    compilation: false,
    rating: 60,
    bpm: 120,
    sortName: `Song ${i}`,
  };
}

console.log(
  `load average ${(await import('node:os')).loadavg()[0]!.toFixed(2)} (a busy machine inflates wall times)`,
);
console.log(
  `loopcast DAAP bench: N = ${N}${quick ? ' (--quick)' : ''}${gc ? '' : ' (no --expose-gc: memory figures are rough)'}`,
);

// ---- store memory (first, on a quiet heap) -------------------------------------------------------
{
  collect();
  const h0 = process.memoryUsage().heapUsed;
  const s = new Share({ name: 'S', persistentId: 3n });
  const store = new RevisionStore<string, { v: number }>(s.clock);
  const sets = quick ? 100_000 : 1_000_000;
  for (let i = 0; i < sets; i++) store.set(String.fromCharCode(97 + (i % 26)), { v: i });
  collect();
  const kib = (process.memoryUsage().heapUsed - h0) / 1024;
  check(store.size() === 26, 'store size');
  line(
    'S',
    `store memory, ${sets} sets over 26 keys in one revision`,
    `${kib.toFixed(0)} KiB`,
    undefined,
    'history does not pile up inside a revision',
  );
}

// Warm the code (not the data): a small share built, listed and diffed once, so that the figures
// below measure steady-state code with cold data caches rather than the JIT compiler.
{
  const w = new Share({ name: 'Warm', persistentId: 4n });
  const wd = w.addDatabase({ id: 1, name: 'Warm' });
  const wc = wd.addContainer({ id: 2, name: 'W' });
  for (let i = 1; i <= 3000; i++) {
    wd.items.put({ ...makeItem(i), name: `Warm ${i}` });
    wc.entries.append(i);
  }
  const wr = w.update();
  for (let k = 0; k < 3; k++) encodeItemBlocks([...wd.items.values(wr)], ALL_ITEM_FIELDS);
  wd.items.delete(1);
  wd.items.diff(wr, w.update());
}

// ---- B1 ----------------------------------------------------------------------------------------
collect();
const rss0 = process.memoryUsage().rss;
const heap0 = process.memoryUsage().heapUsed;
const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
let c0 = process.cpuUsage();
let t0 = process.hrtime.bigint();
const share = new Share({ name: 'Bench', persistentId: 1n });
const db = share.addDatabase({ id: 1, name: 'Bench' });
const even = db.addContainer({ id: 2, name: 'Even' });
const odd = db.addContainer({ id: 3, name: 'Odd' });
for (let i = 1; i <= N; i++) {
  db.items.put(makeItem(i));
  (i % 2 === 0 ? even : odd).entries.append(i);
}
share.update();
share.clean();
let iterated = 0;
for (const _ of db.items.values(share.revision)) iterated++;
for (const c of db.containers.values(share.revision))
  for (const _ of c.entries.values(share.revision)) iterated++;
const b1ms = ms(t0);
const b1cpu = cpuMs(process.cpuUsage(c0));
collect();
const b1mb = (process.memoryUsage().rss - rss0) / 2 ** 20;
const b1heap = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
check(iterated === 3 * N, `B1 iterated ${iterated}, expected ${3 * N}`);
const b1goal = quick ? 0.02 : 0.2;
line(
  'B1',
  `build ${N} items + ${2 * N} entries, update, clean, iterate`,
  `${(b1ms / 1000).toFixed(3)} s`,
  {
    ok: b1ms / 1000 <= b1goal,
    text: `≤ ${b1goal} s`,
  },
  `cpu ${(b1cpu / 1000).toFixed(3)} s; ratio to reference 0.84 s: ${(b1ms / 840).toFixed(3)}`,
);
line(
  'B1',
  'RSS growth',
  `${b1mb.toFixed(1)} MB`,
  { ok: b1mb <= (quick ? 6 : 60), text: `≤ ${quick ? 6 : 60} MB` },
  `heap ${b1heap.toFixed(1)} MB; ratio to reference 108 MB: ${(b1mb / 108).toFixed(3)}`,
);

// ---- B2 ----------------------------------------------------------------------------------------
const R = share.revision;
// What the items route does for a full listing: one pass over the view, sizes first, then one
// buffer for all blocks, wrapped in the envelope (§6.1).
const encodeListing = (): Buffer[] => {
  const rows = db.items.list(R);
  return envelope('adbs', {
    delta: false,
    total: rows.length,
    blocks: encodeItemBlocks(rows, ALL_ITEM_FIELDS),
    count: rows.length,
  });
};
c0 = process.cpuUsage();
t0 = process.hrtime.bigint();
const cold = encodeListing();
const b2cold = ms(t0);
const b2cpu = cpuMs(process.cpuUsage(c0));
t0 = process.hrtime.bigint();
const warm = encodeListing();
const b2warm = ms(t0);
const size = byteLength(cold);
check(size === byteLength(warm), 'B2 warm listing differs in size');
const plain = [...db.items.values(R)];
t0 = process.hrtime.bigint();
const json = JSON.stringify(plain);
const jsonMs = ms(t0);
line(
  'B2',
  `items listing, meta=all, ${N} items (cold)`,
  `${b2cold.toFixed(1)} ms`,
  { ok: b2cold <= (quick ? 10 : 100), text: `≤ ${quick ? 10 : 100} ms` },
  `cpu ${b2cpu.toFixed(1)} ms; ratio to JSON.stringify of the same items (${jsonMs.toFixed(1)} ms): ${(b2cold / jsonMs).toFixed(2)}`,
);
line(
  'B2',
  'items listing, second run',
  `${b2warm.toFixed(1)} ms`,
  undefined,
  'a repeated request is served from the reply cache',
);
line('B2', 'listing size', `${size} bytes`, undefined, `JSON ${json.length} bytes`);
const body = Buffer.concat(cold);
t0 = process.hrtime.bigint();
const gz = gzipSync(body, { level: 1 });
line('B2', 'gzip level 1', `${ms(t0).toFixed(1)} ms`, undefined, `${gz.length} bytes`);
{
  const s2 = new Share({ name: 'Rich', persistentId: 2n });
  const d2 = s2.addDatabase({ id: 1, name: 'Rich' });
  for (let i = 1; i <= N; i++) d2.items.put(richItem(i));
  const r2 = s2.update();
  t0 = process.hrtime.bigint();
  const rows = [...d2.items.values(r2)];
  const rich = envelope('adbs', {
    delta: false,
    total: rows.length,
    blocks: encodeItemBlocks(rows, ALL_ITEM_FIELDS),
    count: rows.length,
  });
  line(
    'B2',
    `rich items listing (25 fields), ${N} items`,
    `${ms(t0).toFixed(1)} ms`,
    undefined,
    `${byteLength(rich)} bytes`,
  );
}
// the base playlist's entries as iTunes asks for them (mikd, miid, mcti), no goal
{
  t0 = process.hrtime.bigint();
  const fs = parseItemMeta('dmap.itemkind,dmap.itemid,dmap.containeritemid');
  const rows: { e: { id: number }; it: Item }[] = [];
  for (const e of db.base.entries.values(R)) rows.push({ e, it: db.items.get(e.itemId, R)! });
  const enc = envelope('apso', {
    delta: false,
    total: rows.length,
    blocks: encodeEntryBlocks(rows, fs),
    count: rows.length,
  });
  line(
    'B2',
    `base playlist entries listing, ${N} entries`,
    `${ms(t0).toFixed(1)} ms`,
    undefined,
    `${byteLength(enc)} bytes`,
  );
}
// the bulk encoder writes the same bytes as the per-item encoder
{
  const sample = [...db.items.values(R)].slice(0, 50);
  check(
    Buffer.concat(encodeItemBlocks(sample, ALL_ITEM_FIELDS)).equals(
      Buffer.concat(sample.map((it) => itemBlock(it, ALL_ITEM_FIELDS))),
    ),
    'B2 bulk and per-item blocks differ',
  );
}
// a decode check of the listing
{
  const root = decode(body).root;
  const mlcl = (root.value as DmapNode[]).find((n) => n.code === 'mlcl')!;
  check((mlcl.value as DmapNode[]).length === N, 'B2 listing does not decode to N items');
}

// ---- B3 ----------------------------------------------------------------------------------------
function tenChanges(base: number): void {
  for (let k = 0; k < 4; k++) db.items.put({ ...db.items.get(base + k)!, name: `Edited ${base + k}` });
  for (let k = 4; k < 7; k++) db.items.delete(base + k);
  for (let k = 0; k < 3; k++) db.items.put(makeItem(N + base + k));
}
// Five trials of one revision with 10 changes each; the median is the figure (a single trial on a
// shared machine is at the mercy of a GC pause or the scheduler).
const trials: number[] = [];
let deltaBytes = 0;
for (let trial = 0; trial < 5; trial++) {
  collect();
  const before = share.revision;
  tenChanges(1000 + trial * 100);
  const after = share.update();
  t0 = process.hrtime.bigint();
  const diff = db.items.diff(before, after);
  const delta = envelope('adbs', {
    delta: true,
    total: db.items.size(after),
    blocks: diff.updated.map((id) => itemBlock(db.items.get(id, after)!, ALL_ITEM_FIELDS)),
    removed: diff.removed,
  });
  trials.push(ms(t0));
  deltaBytes = byteLength(delta);
  check(
    diff.updated.length === 7 && diff.removed.length === 3,
    `B3 diff ${diff.updated.length}/${diff.removed.length}`,
  );
}
trials.sort((a, b) => a - b);
const b3 = trials[2]!;
line(
  'B3',
  `10-change delta over ${N} items: diff + encode`,
  `${b3.toFixed(3)} ms`,
  { ok: b3 <= 2, text: '≤ 2 ms' },
  `median of 5 (${trials[0]!.toFixed(3)}–${trials[4]!.toFixed(3)} ms), ${deltaBytes} bytes`,
);

// 10 changes spread over 10 revisions, one delta across all, checked against two full listings
{
  const from = share.revision;
  const fullFrom = new Map([...db.items.entries(from)]);
  for (let k = 0; k < 10; k++) {
    if (k < 4) db.items.put({ ...db.items.get(5000 + k)!, name: `Again ${k}` });
    else if (k < 7) db.items.delete(5000 + k);
    else db.items.put(makeItem(2 * N + k));
    share.update();
  }
  const to = share.revision;
  t0 = process.hrtime.bigint();
  const d = db.items.diff(from, to);
  const enc = envelope('adbs', {
    delta: true,
    total: db.items.size(to),
    blocks: d.updated.map((id) => itemBlock(db.items.get(id, to)!, ALL_ITEM_FIELDS)),
    removed: d.removed,
  });
  const t = ms(t0);
  for (const id of d.removed) fullFrom.delete(id);
  for (const id of d.updated) fullFrom.set(id, db.items.get(id, to)!);
  const fullTo = [...db.items.entries(to)];
  check(
    fullFrom.size === fullTo.length && fullTo.every(([k, v]) => fullFrom.get(k) === v),
    'B3 multi-revision delta ≠ difference of two full listings',
  );
  line(
    'B3',
    `10 changes over 10 revisions, one delta`,
    `${t.toFixed(3)} ms`,
    undefined,
    `${byteLength(enc)} bytes, checked against full listings`,
  );
}

console.log(report.failed ? 'daap bench: correctness check FAILED' : 'daap bench: correctness checks passed');
process.exit(report.failed ? 1 : 0);
