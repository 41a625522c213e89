/**
 * Plain containers: boxes whose whole payload is child boxes (ISO/IEC 14496-12 §8; sinf/schi
 * from 23001-7 and §8.12; ilst items from the iTunes metadata layout, 14496-14 udta usage).
 */
import { defineBox, type BoxEntry } from '../box-entry.js';

export type NoFields = Record<string, never>;

function container(type: string, name: string, ref: string): BoxEntry<NoFields> {
  return defineBox<NoFields>({
    type,
    name,
    ref,
    container: true,
    parse: () => ({}),
    write: () => undefined,
    example: {},
  });
}

export const containerEntries: BoxEntry<NoFields>[] = [
  container('moov', 'Movie', '14496-12 §8.2.1'),
  container('trak', 'Track', '14496-12 §8.3.1'),
  container('mdia', 'Media', '14496-12 §8.4.1'),
  container('minf', 'Media information', '14496-12 §8.4.4'),
  container('stbl', 'Sample table', '14496-12 §8.5.1'),
  container('mvex', 'Movie extends', '14496-12 §8.8.1'),
  container('moof', 'Movie fragment', '14496-12 §8.8.4'),
  container('traf', 'Track fragment', '14496-12 §8.8.6'),
  container('mfra', 'Movie fragment random access', '14496-12 §8.8.9'),
  container('sinf', 'Protection scheme information', '14496-12 §8.12.1'),
  container('schi', 'Scheme information', '14496-12 §8.12.6'),
  container('udta', 'User data', '14496-12 §8.10.1'),
  container('edts', 'Edit', '14496-12 §8.6.5'),
  container('dinf', 'Data information', '14496-12 §8.7.1'),
  container('tref', 'Track reference', '14496-12 §8.3.3'),
  container('ilst', 'iTunes metadata item list', 'iTunes metadata'),
];
