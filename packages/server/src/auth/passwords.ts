/**
 * Password hashing and policy (spec app.md §3.2): argon2id with m = 19456 KiB, t = 2, p = 1, stored
 * as a PHC string; a login re-hashes a password stored with other parameters.
 */
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_OPTIONS: Options = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export const hashPassword = (password: string): Promise<string> => hash(password, PASSWORD_OPTIONS);

/** False for a malformed stored hash too: a broken row must not let anyone in. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

export function needsRehash(stored: string): boolean {
  try {
    const o = parseOptions(stored);
    return (
      !stored.startsWith('$argon2id$') ||
      o.memoryCost !== PASSWORD_OPTIONS.memoryCost ||
      o.timeCost !== PASSWORD_OPTIONS.timeCost ||
      o.parallelism !== PASSWORD_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}

let dummy: Promise<string> | null = null;

/**
 * Unknown user names cost the same time as wrong passwords (§3.2): a hash made once with the same
 * parameters is verified and the answer thrown away.
 */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword('loopcast dummy password that matches nothing');
  await verifyPassword(await dummy, password);
  return false;
}

/** The policy of §3.2; returns why a new password is refused, or null. */
export function passwordPolicyError(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    return `The password must be ${PASSWORD_MIN}–${PASSWORD_MAX} characters long.`;
  }
  if (password.toLowerCase() === username.toLowerCase()) {
    return 'The password must not be the user name.';
  }
  return null;
}
