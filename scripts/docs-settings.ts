/** `npm run docs:settings`: rewrites the README's configuration reference from the settings table. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSettingsDoc } from '../packages/server/src/config/settings-doc.js';

const readme = join(import.meta.dirname, '..', 'README.md');
writeFileSync(readme, withSettingsDoc(readFileSync(readme, 'utf8')));
