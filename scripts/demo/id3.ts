/**
 * ffmpeg 5.1 writes the `compilation` tag of an MP3 as `TXXX:compilation`, but iTunes and the
 * ID3 readers loopcast uses (daap.md §11.3) look for the `TCMP` frame. This rewrites that one
 * frame in an ID3v2.3 or v2.4 tag as ffmpeg writes it (no unsynchronisation, no extended header).
 */

const HEADER_SIZE = 10;

function readSyncsafe(buf: Buffer, at: number): number {
  return (buf[at]! << 21) | (buf[at + 1]! << 14) | (buf[at + 2]! << 7) | buf[at + 3]!;
}

function syncsafe(value: number): Buffer {
  return Buffer.from([(value >> 21) & 0x7f, (value >> 14) & 0x7f, (value >> 7) & 0x7f, value & 0x7f]);
}

interface Id3Frame {
  id: string;
  flags: Buffer;
  body: Buffer;
}

function frameSizeField(version: number, size: number): Buffer {
  if (version === 4) return syncsafe(size);
  const field = Buffer.alloc(4);
  field.writeUInt32BE(size);
  return field;
}

function readFrames(tag: Buffer, version: number): Id3Frame[] {
  const frames: Id3Frame[] = [];
  let at = HEADER_SIZE;
  // Padding (zero bytes) ends the frame list.
  while (at + HEADER_SIZE <= tag.length && tag[at] !== 0) {
    const size = version === 4 ? readSyncsafe(tag, at + 4) : tag.readUInt32BE(at + 4);
    const end = at + HEADER_SIZE + size;
    if (end > tag.length) throw new Error('ID3 frame runs past the end of the tag');
    frames.push({
      id: tag.toString('latin1', at, at + 4),
      flags: tag.subarray(at + 8, at + 10),
      body: tag.subarray(at + HEADER_SIZE, end),
    });
    at = end;
  }
  return frames;
}

/** A user text frame: encoding byte, description, NUL (one or two bytes), value. */
function isCompilationTxxx(frame: Id3Frame): boolean {
  if (frame.id !== 'TXXX') return false;
  const text = frame.body
    .subarray(1)
    .toString(frame.body[0] === 0 || frame.body[0] === 3 ? 'latin1' : 'utf16le');
  return text.toLowerCase().startsWith('compilation\0');
}

/** The `TCMP` frame: ISO-8859-1 text "1". */
const TCMP_BODY = Buffer.from([0, 0x31]);

/** Returns the file with `TXXX:compilation` replaced by `TCMP` = 1; other frames are kept as written. */
export function withItunesCompilationFrame(mp3: Buffer): Buffer {
  if (mp3.toString('latin1', 0, 3) !== 'ID3') throw new Error('no ID3v2 tag at the start of the file');
  const version = mp3[3]!;
  if (version !== 3 && version !== 4) throw new Error(`ID3v2.${version} is not supported`);
  if (mp3[5]! !== 0) throw new Error('ID3 tags with header flags are not supported');
  const tagEnd = HEADER_SIZE + readSyncsafe(mp3, 6);
  const tag = mp3.subarray(0, tagEnd);
  const frames = readFrames(tag, version).map((frame) =>
    isCompilationTxxx(frame) ? { id: 'TCMP', flags: Buffer.alloc(2), body: TCMP_BODY } : frame,
  );
  const frameBytes = frames.flatMap((f) => [
    Buffer.from(f.id, 'latin1'),
    frameSizeField(version, f.body.length),
    f.flags,
    f.body,
  ]);
  const padding = Buffer.alloc(10);
  const body = Buffer.concat([...frameBytes, padding]);
  const header = Buffer.concat([mp3.subarray(0, 6), syncsafe(body.length)]);
  return Buffer.concat([header, body, mp3.subarray(tagEnd)]);
}
