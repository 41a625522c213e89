/** Human-readable RFC 6381 codec strings for the codecs table (validator.md §3.2 CodecInfo). */

const AVC_PROFILES: Record<number, string> = {
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
  110: 'High 10',
  122: 'High 4:2:2',
  244: 'High 4:4:4',
};
const AAC_TYPES: Record<string, string> = {
  '2': 'AAC-LC',
  '5': 'HE-AAC',
  '29': 'HE-AAC v2',
  '1': 'AAC Main',
  '34': 'MP3',
};
const HEVC_PROFILES: Record<string, string> = {
  '1': 'Main',
  '2': 'Main 10',
  '3': 'Main Still Picture',
  '4': 'Range extensions',
};

function one(codec: string): string {
  const [fourcc = '', ...rest] = codec.split('.');
  switch (fourcc.toLowerCase()) {
    case 'avc1':
    case 'avc3': {
      const hex = rest[0] ?? '';
      if (!/^[0-9a-f]{6}$/i.test(hex)) return 'H.264';
      const profile = parseInt(hex.slice(0, 2), 16);
      const level = parseInt(hex.slice(4, 6), 16);
      return `H.264 ${AVC_PROFILES[profile] ?? `profile ${profile}`} profile, level ${(level / 10).toFixed(1)}`;
    }
    case 'hev1':
    case 'hvc1': {
      const profile = (rest[0] ?? '').replace(/^[ABC]/, '');
      const tierLevel = rest[2] ?? '';
      const level = /^[LH](\d+)$/.exec(tierLevel);
      return rest.length
        ? `HEVC ${HEVC_PROFILES[profile] ?? `profile ${profile}`} profile${level ? `, ${tierLevel[0] === 'H' ? 'High' : 'Main'} tier level ${(Number(level[1]) / 30).toFixed(1)}` : ''}`
        : 'HEVC (no profile or level)';
    }
    case 'av01':
      return `AV1 profile ${rest[0] ?? '?'}${rest[1] ? `, level ${rest[1]}` : ''}`;
    case 'vp09':
      return `VP9 profile ${Number(rest[0] ?? 0)}${rest[1] ? `, level ${(Number(rest[1]) / 10).toFixed(1)}` : ''}`;
    case 'mp4a':
      return rest[0] === '40'
        ? (AAC_TYPES[rest[1] ?? ''] ?? `MPEG-4 audio object type ${rest[1] ?? '?'}`)
        : rest[0] === '6b' || rest[0] === '69'
          ? 'MP3'
          : 'MPEG-4 audio';
    case 'ec-3':
      return 'Dolby Digital Plus (E-AC-3)';
    case 'ac-3':
      return 'Dolby Digital (AC-3)';
    case 'opus':
      return 'Opus';
    case 'flac':
      return 'FLAC';
    case 'stpp':
      return `TTML in MP4${rest.length > 1 ? ` (${rest.slice(1).join('.')})` : ''}`;
    case 'wvtt':
      return 'WebVTT in MP4';
    default:
      return codec;
  }
}

export function describeCodecs(codecs: string): string {
  return codecs
    .split(',')
    .map((c) => one(c.trim()))
    .join(' + ');
}
