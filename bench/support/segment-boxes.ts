/**
 * Just enough box reading to prove a served segment was rewritten (mfhd sequence number, first
 * tfdt) and that its sample data is the stored one (the `mdat` payload). Independent of
 * @loopcast/bmff on purpose: the bench must not check the rewriter with the rewriter's parser.
 */

interface BoxAt {
  type: string;
  start: number;
  headerSize: number;
  end: number;
}

function* boxes(buf: Buffer, from: number, to: number): Generator<BoxAt> {
  let pos = from;
  while (pos + 8 <= to) {
    let size = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    let headerSize = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(pos + 8));
      headerSize = 16;
    } else if (size === 0) {
      size = to - pos;
    }
    if (size < headerSize || pos + size > to) throw new Error(`box ${type} at ${pos} overruns its parent`);
    yield { type, start: pos, headerSize, end: pos + size };
    pos += size;
  }
}

const child = (buf: Buffer, parent: BoxAt, type: string): BoxAt | undefined => {
  for (const b of boxes(buf, parent.start + parent.headerSize, parent.end)) if (b.type === type) return b;
  return undefined;
};

export interface SegmentFacts {
  sequenceNumber: number;
  decodeTime: bigint;
  mdat: Buffer;
}

/** The first moof's mfhd and tfdt, and the first mdat's payload. */
export function segmentFacts(buf: Buffer): SegmentFacts {
  let moof: BoxAt | undefined;
  let mdat: BoxAt | undefined;
  for (const b of boxes(buf, 0, buf.length)) {
    if (b.type === 'moof' && !moof) moof = b;
    if (b.type === 'mdat' && !mdat) mdat = b;
  }
  if (!moof || !mdat) throw new Error('segment without moof or mdat');
  const mfhd = child(buf, moof, 'mfhd');
  const traf = child(buf, moof, 'traf');
  const tfdt = traf && child(buf, traf, 'tfdt');
  if (!mfhd || !tfdt) throw new Error('moof without mfhd or traf/tfdt');
  const body = tfdt.start + tfdt.headerSize;
  const version = buf.readUInt8(body);
  return {
    sequenceNumber: buf.readUInt32BE(mfhd.start + mfhd.headerSize + 4),
    decodeTime: version === 1 ? buf.readBigUInt64BE(body + 4) : BigInt(buf.readUInt32BE(body + 4)),
    mdat: buf.subarray(mdat.start + mdat.headerSize, mdat.end),
  };
}
