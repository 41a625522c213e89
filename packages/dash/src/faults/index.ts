/** Fault injection (drm-events.md §10): the pure decisions; the server applies them in one place. */
export * from './errors.js';
export * from './failures.js';
export * from './statuscode.js';
export * from './corruption.js';
export { resolvePosition, segmentNumberAt, type FaultPosition } from './positions.js';
export * from './decide.js';
export * from './baseurls.js';
export * from './outage.js';
export * from './throttle.js';
