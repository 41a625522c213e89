/**
 * Whether an external program a test needs is present. Locally a missing tool skips the test with
 * a message naming the Debian package; with CI=true it fails the test (testing.md §1 rule 3).
 */
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { sharedAvailable, SHARED } from './paths.js';

export function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns true when the test may go on; otherwise skips (locally) or throws (CI). */
export function requireTool(t: TestContext, command: string, debianPackage: string): boolean {
  if (hasCommand(command)) return true;
  const message = `${command} is missing: apt-get install -y ${debianPackage}`;
  if (process.env.CI === 'true') throw new Error(message);
  t.skip(message);
  return false;
}

/** The same for the shared folder beside the repository (spec, media, schema). */
export function requireShared(t: TestContext): boolean {
  if (sharedAvailable()) return true;
  const message = `${SHARED} is absent: this test reads the shared media in place`;
  if (process.env.CI === 'true') throw new Error(message);
  t.skip(message);
  return false;
}
