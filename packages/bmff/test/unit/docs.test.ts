import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { BOX_ENTRIES, Box, serializeBox } from '../../src/index.js';
import { payloadSize, registryMarkdown } from '../../src/registry.js';

const doc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'boxes.md');

test('docs/boxes.md is generated from the registry', async () => {
  // formatted as `npx prettier --write` leaves it, so formatting the package keeps it current
  const md = await format(registryMarkdown(), { parser: 'markdown', filepath: doc });
  if (process.env.UPDATE_DOCS === '1') writeFileSync(doc, md);
  assert.equal(
    readFileSync(doc, 'utf8'),
    md,
    'run UPDATE_DOCS=1 node --import tsx --test packages/bmff/test/unit/docs.test.ts',
  );
  for (const e of BOX_ENTRIES) assert.ok(md.includes(e.name), e.type);
});

test('every entry size agrees with what it writes', () => {
  for (const e of BOX_ENTRIES) {
    if (e.example === undefined) continue;
    const box = Box.create(e, e.example);
    assert.equal(payloadSize(e, e.example) + box.headerSize, serializeBox(box).length, e.type);
  }
});
