import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BOX_ENTRIES, Box, parseBoxes, serializeBox, serializeBoxes } from '../../src/index.js';
import { payloadSize } from '../../src/registry.js';
import { mediaFiles, noMedia } from './helpers.js';

function walk(boxes: readonly Box[], visit: (b: Box) => void): void {
  for (const b of boxes) {
    visit(b);
    walk(b.children, visit);
  }
}

test(
  'every fixture file writes back byte for byte, untouched and fully re-serialised',
  { skip: noMedia },
  () => {
    const files = mediaFiles();
    assert.ok(files.length >= 20, `expected the bbb and boxes fixtures, found ${files.length}`);
    for (const file of files) {
      const buf = readFileSync(file);
      const untouched = parseBoxes(buf);
      walk(untouched, (b) => void b.fields); // parse everything, change nothing
      assert.ok(serializeBoxes(untouched).equals(buf), `${path.basename(file)}: untouched write differs`);
      const all = parseBoxes(buf);
      walk(all, (b) => b.markDirty()); // force every box through its registry writer
      assert.ok(
        serializeBoxes(all, { fixOffsets: false }).equals(buf),
        `${path.basename(file)}: re-serialised write differs`,
      );
    }
  },
);

/** Fields with Buffers compared by content and bigint kept exact. */
function sameFields(a: unknown, b: unknown, what: string): void {
  assert.deepStrictEqual(a, b, what);
}

test(
  'registry: every entry round-trips on every matching fixture box (or its example)',
  { skip: noMedia },
  () => {
    const byType = new Map<string, Box[]>();
    for (const file of mediaFiles()) {
      walk(parseBoxes(readFileSync(file)), (b) => {
        const list = byType.get(b.key) ?? [];
        if (list.length < 50) list.push(b);
        byType.set(b.key, list);
      });
    }
    const uncovered: string[] = [];
    for (const entry of BOX_ENTRIES) {
      const boxes = byType.get(entry.type) ?? [];
      for (const box of boxes) {
        // decode → encode gives identical bytes
        const fields = box.get(entry);
        const copy = Box.fromBytes(
          box.raw!,
          0,
          {
            type: box.type,
            size: box.raw!.length,
            headerSize: box.headerSize,
            sizeForm: box.sizeForm,
            ...(box.usertype ? { usertype: box.usertype } : {}),
          },
          0,
          box.ctx,
        );
        copy.markDirty();
        copy.get(entry);
        assert.ok(
          serializeBox(copy, { fixOffsets: false }).equals(box.raw!),
          `${entry.type} @${box.offset}: decode→encode differs`,
        );
        if (!entry.container) {
          const size = payloadSize(entry, fields) + box.headerSize + (box.extra?.length ?? 0);
          assert.equal(size, box.raw!.length, `${entry.type} @${box.offset}: size`);
        }
        // encode → decode gives equal fields
        const built = Box.create(entry, fields);
        const bytes = serializeBox(built);
        const again = parseBoxes(bytes, box.ctx)[0]!;
        sameFields(again.get(entry), fields, `${entry.type} @${box.offset}: encode→decode differs`);
      }
      if (boxes.length === 0) {
        if (entry.example === undefined) {
          uncovered.push(entry.type);
          continue;
        }
        const built = Box.create(entry, entry.example);
        const bytes = serializeBox(built);
        const parsed = parseBoxes(bytes)[0]!;
        sameFields(parsed.get(entry), entry.example, `${entry.type}: example encode→decode differs`);
        parsed.markDirty();
        assert.ok(serializeBox(parsed).equals(bytes), `${entry.type}: example decode→encode differs`);
      }
    }
    assert.deepEqual(uncovered, [], 'entries with neither a fixture box nor an example');
  },
);

test('the registry has one entry per key', () => {
  const keys = BOX_ENTRIES.map((e) => e.type);
  assert.equal(new Set(keys).size, keys.length);
});
