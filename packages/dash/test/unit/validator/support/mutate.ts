/** One-defect edits of segment bytes with @loopcast/bmff (validator.md §9 broken corpus). */
import {
  Box,
  emsg,
  fixMoofOffsets,
  parseBoxes,
  serializeBoxes,
  boxFromBytes,
  type EmsgFields,
} from '@loopcast/bmff';

export function editBoxes(bytes: Uint8Array, edit: (boxes: Box[]) => Box[] | void): Buffer {
  const boxes = parseBoxes(Buffer.from(bytes));
  return serializeBoxes(edit(boxes) ?? boxes);
}

export const moofOf = (boxes: Box[]): Box => boxes.find((b) => b.type === 'moof')!;

export function emsgBox(scheme: string, value = ''): Box {
  const f: EmsgFields = {
    version: 0,
    flags: 0,
    schemeIdUri: scheme,
    value,
    timescale: 1000,
    presentationTimeDelta: 0,
    eventDuration: 1000,
    id: 1,
    messageData: Buffer.from('ping'),
  };
  return Box.create(emsg, f);
}

export { boxFromBytes, fixMoofOffsets };
