/** The shape of one option registry row (dash.md §4.1). */
import type { Codec } from './codec.js';

export type Usage = 'manifest' | 'video' | 'audio' | 'text' | 'time' | 'html';

export interface OptionIssue {
  param: string;
  value: string;
  reason: string;
}

export type OptionGroup = 'tracks' | 'timing' | 'utc' | 'clock' | 'drm' | 'events' | 'faults' | 'player';

export interface OptionRow<T> {
  /** JSON / stored stream defaults; families as "playready.version". */
  fullName: string;
  /** The UI's local-storage key, as dash-live. */
  shortName: string;
  /** URL query parameter; families as "playready__version". */
  param: string;
  codec: Codec<T>;
  /** First entry describes the default. */
  choices?: { value: string; description: string }[];
  default: T;
  usage: ReadonlySet<Usage>;
  featured: boolean;
  templateFeature: boolean;
  liveOnly: boolean;
  streamDefault: boolean;
  group: OptionGroup;
  title: string;
  description: string;
  syntax: string;
}

/** The message of a 400 for one issue: `depth: "abc" is not valid; expected …`. */
export function issueMessage(issue: OptionIssue): string {
  return `${issue.param}: "${issue.value}" is not valid; ${issue.reason}`;
}

type Flags = 'F' | 'L' | '★' | 'noDefault';
type UseLetter = 'M' | 'V' | 'A' | 'T' | 'Ti' | 'H';
const USE: Record<UseLetter, Usage> = {
  M: 'manifest',
  V: 'video',
  A: 'audio',
  T: 'text',
  Ti: 'time',
  H: 'html',
};

export interface RowSpec<T> {
  full: string;
  short: string;
  param: string;
  codec: Codec<T>;
  default: T;
  use: UseLetter[];
  flags?: Flags[];
  choices?: [string, string][];
  group: OptionGroup;
  title: string;
  description: string;
  syntax: string;
}

/** Builds a row from the compact spec used by the registry table. */
export function row<T>(s: RowSpec<T>): OptionRow<T> {
  const flags = new Set(s.flags ?? []);
  return {
    fullName: s.full,
    shortName: s.short,
    param: s.param,
    codec: s.codec,
    ...(s.choices ? { choices: s.choices.map(([value, description]) => ({ value, description })) } : {}),
    default: s.default,
    usage: new Set(s.use.map((u) => USE[u])),
    featured: flags.has('★'),
    templateFeature: flags.has('F'),
    liveOnly: flags.has('L'),
    streamDefault: !flags.has('noDefault'),
    group: s.group,
    title: s.title,
    description: s.description,
    syntax: s.syntax,
  };
}
