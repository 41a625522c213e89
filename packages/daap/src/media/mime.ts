// MIME types from magic bytes, never from a file name (daap.md §5.4, §6.20).

export function audioMimeOf(head: Uint8Array): string | undefined {
  const s = (a: number, b: number): string => Buffer.from(head.subarray(a, b)).toString('latin1');
  if (head.length >= 3 && s(0, 3) === 'ID3') return 'audio/mpeg';
  if (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0) return 'audio/mpeg';
  if (head.length >= 8 && s(4, 8) === 'ftyp') return 'audio/mp4';
  if (head.length >= 4 && s(0, 4) === 'fLaC') return 'audio/flac';
  if (head.length >= 4 && s(0, 4) === 'OggS') return 'audio/ogg';
  if (head.length >= 12 && s(0, 4) === 'RIFF' && s(8, 12) === 'WAVE') return 'audio/wav';
  return undefined;
}

export function imageMimeOf(head: Uint8Array): 'image/jpeg' | 'image/png' | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (
    head.length >= 8 &&
    head[0] === 0x89 &&
    head[1] === 0x50 &&
    head[2] === 0x4e &&
    head[3] === 0x47 &&
    head[4] === 0x0d &&
    head[5] === 0x0a &&
    head[6] === 0x1a &&
    head[7] === 0x0a
  ) {
    return 'image/png';
  }
  return undefined;
}
