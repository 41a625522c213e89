// A share that changes by itself: every 5 s it randomly adds, edits or removes an item, commits a
// revision and checks diff(rev − 1, rev) against what it did. Keep a client connected to watch
// muty=1 deltas arrive.
// Run: npx tsx packages/daap/examples/revisions.ts [--mdns off] [--port 3689]

import { DaapServer, MemoryMedia, Share, type Item } from '../src/index.js';
import { announce, flags, onSignal, wavTone } from './common.js';

const { mdns, port, host } = flags();
const share = new Share({ name: 'loopcast revisions example', persistentId: 0x5265766973696f6en });
const db = share.addDatabase({ id: 1, name: 'loopcast revisions example' });
const audio = wavTone(523, 2);
let next = 1;
const make = (): Item => {
  const id = next++;
  return {
    id,
    name: `Song ${id}`,
    artist: 'Revisions',
    album: 'Changes',
    trackNumber: id,
    format: 'wav',
    size: audio.length,
    mime: 'audio/wav',
  };
};
for (let i = 0; i < 5; i++) db.items.put(make());
share.update();

const timer = setInterval(() => {
  const ids = [...db.items.values()].map((it) => it.id);
  const r = Math.random();
  let expectUpdated: number[] = [];
  let expectRemoved: number[] = [];
  if (r < 0.4 || ids.length < 2) {
    const it = make();
    db.items.put(it);
    expectUpdated = [it.id];
  } else if (r < 0.7) {
    const id = ids[Math.floor(Math.random() * ids.length)]!;
    db.items.put({ ...db.items.get(id)!, name: `Song ${id} (edited ${new Date().toISOString()})` });
    expectUpdated = [id];
  } else {
    const id = ids[Math.floor(Math.random() * ids.length)]!;
    db.items.delete(id);
    expectRemoved = [id];
  }
  // 'revision' listeners run before history is cleaned, so diff(rev − 1, rev) is readable there.
  const off = share.on('revision', (rev) => {
    off();
    const d = db.items.diff(rev - 1, rev);
    const ok = JSON.stringify(d) === JSON.stringify({ updated: expectUpdated, removed: expectRemoved });
    console.log(
      `revision ${rev}: updated ${JSON.stringify(d.updated)} removed ${JSON.stringify(d.removed)} ${ok ? 'ok' : 'MISMATCH'}`,
    );
  });
  share.update();
}, 5000);

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
});
