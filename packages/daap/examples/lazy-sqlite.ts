// A database-backed share: items come from a SQLite table through count()/load(); another
// process may insert or delete rows, and the example polls every 2 s and calls refresh()/forget()
// and update(). Uses better-sqlite3 (installed in this workspace for the server package; an
// embedder brings its own driver — the library itself depends on none).
// Run: npx tsx packages/daap/examples/lazy-sqlite.ts [--mdns off] [--port 3689] [--db FILE]
//   then, elsewhere: sqlite3 FILE "insert into songs(name, artist) values ('New', 'Someone')"

import Database from 'better-sqlite3';
import { DaapServer, MemoryMedia, Share, type Item } from '../src/index.js';
import { announce, flags, onSignal, wavTone } from './common.js';

const { mdns, port, host } = flags();
const file = process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1]! : ':memory:';
const sql = new Database(file);
sql.exec(
  `create table if not exists songs (id integer primary key, name text not null, artist text, album text, track integer)`,
);
if ((sql.prepare('select count(*) as n from songs').get() as { n: number }).n === 0) {
  const ins = sql.prepare('insert into songs(name, artist, album, track) values (?, ?, ?, ?)');
  for (let i = 1; i <= 20; i++) ins.run(`Row ${i}`, `Artist ${i % 4}`, `Album ${i % 3}`, i);
}
interface Row {
  id: number;
  name: string;
  artist: string | null;
  album: string | null;
  track: number | null;
}
const audio = wavTone(392, 2);
const toItem = (r: Row): Item => ({
  id: r.id,
  name: r.name,
  ...(r.artist ? { artist: r.artist } : {}),
  ...(r.album ? { album: r.album } : {}),
  ...(r.track ? { trackNumber: r.track } : {}),
  format: 'wav',
  size: audio.length,
  mime: 'audio/wav',
});

const share = new Share({ name: 'loopcast sqlite example', persistentId: 0x53514c697465n });
const db = share.addDatabase({
  id: 1,
  name: 'loopcast sqlite example',
  items: {
    // cheap: /databases reports mimc without reading the rows
    count: () => (sql.prepare('select count(*) as n from songs').get() as { n: number }).n,
    // called once, on the first listing
    *load() {
      for (const r of sql.prepare('select * from songs order by id').iterate() as IterableIterator<Row>)
        yield toItem(r);
    },
    fetch: (ids) => {
      const q = sql.prepare(`select * from songs where id in (${ids.map(() => '?').join(',')})`);
      return Promise.resolve((q.all(...ids) as Row[]).map(toItem));
    },
  },
});
share.update({ force: true });

// Poll for rows added or removed by another process.
let known = new Set((sql.prepare('select id from songs').all() as { id: number }[]).map((r) => r.id));
const timer = setInterval(() => {
  void (async () => {
    const now = new Set((sql.prepare('select id from songs').all() as { id: number }[]).map((r) => r.id));
    const added = [...now].filter((id) => !known.has(id));
    const removed = [...known].filter((id) => !now.has(id));
    known = now;
    if (!added.length && !removed.length) return;
    if (added.length) await db.items.refresh(added);
    db.items.forget(removed);
    console.log(`revision ${share.update()}: +${added.length} −${removed.length}`);
  })();
}, 2000);

const server = new DaapServer({
  share,
  media: new MemoryMedia(() => audio),
  host,
  port,
  mdns: mdns ? {} : false,
});
await server.listen();
announce(share.name, server.port, mdns);
onSignal(async () => {
  clearInterval(timer);
  await server.close();
  sql.close();
});
