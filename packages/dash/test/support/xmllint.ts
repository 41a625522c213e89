/**
 * Batch validation of MPDs against ../shared/schema/DASH-MPD.xsd with one xmllint call.
 * Absent schema or xmllint: the caller skips, except that with CI=true a missing xmllint fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const SCHEMA = path.resolve(repoRoot, '..', 'shared', 'schema', 'DASH-MPD.xsd');

export function validatorUnavailable(): string | null {
  const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
  if (!hasXmllint) {
    if (process.env.CI === 'true') throw new Error('xmllint is required when CI=true');
    return 'xmllint not installed: schema validation skipped';
  }
  if (!existsSync(SCHEMA)) return `schema ${SCHEMA} not found: schema validation skipped`;
  return null;
}

/** Validates named documents; returns the names that fail with xmllint's messages. */
export function validateMpds(docs: ReadonlyMap<string, string>): Map<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'loopcast-mpd-'));
  const files = new Map<string, string>();
  let i = 0;
  for (const [name, xml] of docs) {
    const file = path.join(dir, `${i++}.mpd`);
    writeFileSync(file, xml);
    files.set(file, name);
  }
  const failures = new Map<string, string>();
  try {
    const all = [...files.keys()];
    for (let start = 0; start < all.length; start += 500) {
      const batch = all.slice(start, start + 500);
      const r = spawnSync('xmllint', ['--nonet', '--noout', '--schema', SCHEMA, ...batch], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.error || (r.status !== 0 && !batch.some((f) => r.stderr.includes(`${f} fails to validate`)))) {
        for (const f of batch)
          failures.set(files.get(f)!, `xmllint failed (status ${r.status}): ${r.stderr.slice(0, 500)}`);
        continue;
      }
      for (const line of r.stderr.split('\n')) {
        const file = batch.find((f) => line.startsWith(`${f}:`) || line.startsWith(`${f} `));
        if (file && !line.endsWith(' validates')) {
          const name = files.get(file)!;
          failures.set(name, `${failures.get(name) ?? ''}${line.slice(file.length)}\n`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return failures;
}
