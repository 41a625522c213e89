/**
 * Fuzz seeds: every file of ../shared/media/boxes, and from each bbb file its init segment and
 * first two media segments with mdat payloads cut to 64 bytes (the structure is what matters;
 * small seeds keep a case cheap), plus the committed regression corpus.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBoxHeader } from '../../src/header.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..', '..');
export const mediaDir = path.resolve(repoRoot, '..', 'shared', 'media');
export const corpusDir = path.join(here, 'corpus');

function shrinkMdat(buf: Buffer, keepSegments: number): Buffer {
  const out: Buffer[] = [];
  let moofs = 0;
  for (let p = 0; p < buf.length;) {
    const h = readBoxHeader(buf, p, buf.length);
    if (h.type === 'moof' && ++moofs > keepSegments) break;
    if (h.type === 'mdat' && h.size > 72 && h.headerSize === 8) {
      const m = Buffer.from(buf.subarray(p, p + 72));
      m.writeUInt32BE(72, 0);
      out.push(m);
    } else out.push(buf.subarray(p, p + h.size));
    p += h.size;
  }
  return Buffer.concat(out);
}

export function corpusFiles(): string[] {
  return existsSync(corpusDir)
    ? readdirSync(corpusDir)
        .filter((f) => !f.startsWith('.') && !f.endsWith('.md'))
        .sort()
        .map((f) => path.join(corpusDir, f))
    : [];
}

export function loadSeeds(): Buffer[] {
  const seeds: Buffer[] = [];
  const boxes = path.join(mediaDir, 'boxes');
  const bbb = path.join(mediaDir, 'bbb');
  if (existsSync(boxes))
    for (const f of readdirSync(boxes).sort()) seeds.push(shrinkMdat(readFileSync(path.join(boxes, f)), 2));
  if (existsSync(bbb))
    for (const f of readdirSync(bbb).sort()) seeds.push(shrinkMdat(readFileSync(path.join(bbb, f)), 2));
  for (const f of corpusFiles()) seeds.push(readFileSync(f));
  return seeds.filter((s) => s.length > 0);
}
