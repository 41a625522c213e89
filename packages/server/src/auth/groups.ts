/** Group bits (spec app.md §2.1, §3.1): the values dash-live used, so exported data keeps its meaning. */
export const GROUP_USER = 0x2;
export const GROUP_MEDIA = 0x4;
export const GROUP_ADMIN = 0x40000000;

export type GroupName = 'admin' | 'media' | 'user';

/** Listed in this order in the API (app.md §4.2). */
export const GROUP_BITS: readonly (readonly [GroupName, number])[] = [
  ['admin', GROUP_ADMIN],
  ['media', GROUP_MEDIA],
  ['user', GROUP_USER],
];

export const groupNames = (mask: number): GroupName[] =>
  GROUP_BITS.filter(([, bit]) => (mask & bit) !== 0).map(([name]) => name);

export const groupMask = (names: readonly GroupName[]): number =>
  GROUP_BITS.filter(([name]) => names.includes(name)).reduce((mask, [, bit]) => mask | bit, 0);

/** Admin implies media (app.md §3.1). */
export const isAdmin = (mask: number): boolean => (mask & GROUP_ADMIN) !== 0;
export const isMedia = (mask: number): boolean => (mask & (GROUP_MEDIA | GROUP_ADMIN)) !== 0;
