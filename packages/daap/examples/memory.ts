// In-memory share: one database, the base container plus "Cool Music" and "Empty Playlist"
// (nested under it), two items whose audio is a generated WAV tone held in memory.
// Run: npx tsx packages/daap/examples/memory.ts [--mdns off] [--port 3689]

import { DaapServer, MemoryMedia, Share } from '../src/index.js';
import { announce, flags, onSignal, wavTone } from './common.js';

const { mdns, port, host } = flags();
// The embedder keeps its persistent ids stable across restarts (they feed the Bonjour TXT ids).
const share = new Share({ name: 'loopcast memory example', persistentId: 0x4c6f6f7063617374n });
const db = share.addDatabase({ id: 1, name: 'loopcast memory example' });
const tones = new Map([
  [1, wavTone(440, 3)],
  [2, wavTone(660, 3)],
]);
db.items.put({
  id: 1,
  name: 'A 440',
  artist: 'Oscillator',
  album: 'Tones',
  trackNumber: 1,
  year: 2026,
  format: 'wav',
  codec: 'wav ',
  description: 'WAV audio file',
  durationMs: 3000,
  size: tones.get(1)!.length,
  mime: 'audio/wav',
});
db.items.put({
  id: 2,
  name: 'E 660',
  artist: 'Oscillator',
  album: 'Tones',
  trackNumber: 2,
  year: 2026,
  format: 'wav',
  codec: 'wav ',
  description: 'WAV audio file',
  durationMs: 3000,
  size: tones.get(2)!.length,
  mime: 'audio/wav',
});
const cool = db.addContainer({ id: 2, name: 'Cool Music' });
cool.entries.append(2);
cool.entries.append(1);
cool.entries.append(2);
db.addContainer({ id: 3, name: 'Empty Playlist', parentId: 2 });
share.update();

const media = new MemoryMedia((ctx) => tones.get(ctx.item.id));
const server = new DaapServer({ share, media, host, port, mdns: mdns ? {} : false });
await server.listen();
announce(share.name, server.port, mdns);
onSignal(() => server.close());
