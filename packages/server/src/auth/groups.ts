/** Group bits (spec app.md §2.1, §3.1): the values dash-live used, so exported data keeps its meaning. */
export const GROUP_USER = 0x2;
export const GROUP_MEDIA = 0x4;
export const GROUP_ADMIN = 0x40000000;
