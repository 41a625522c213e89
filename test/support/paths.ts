/** Where things are, for every test: the repository root and the shared folder beside it. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `../shared` relative to the repository: spec, media and schema, read in place. */
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const sharedAvailable = (): boolean => existsSync(join(SHARED, 'media'));
export const LOOPCAST_BIN = join(REPO_ROOT, 'packages', 'server', 'bin', 'loopcast.js');
