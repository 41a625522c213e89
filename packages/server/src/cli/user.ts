/**
 * `loopcast user …` (spec app.md §10.1): account recovery and headless provisioning straight in the
 * database the server uses (the same settings file and environment as `serve`).
 *
 * - `reset-password NAME [--password P]`: new password (prompted twice on a terminal; without
 *   `--password`, `LOOPCAST_PASSWORD` or a terminal, a random one is printed), must-change set,
 *   session epoch moved on (every cookie dies, §3.4) and every token revoked (§3.7).
 * - `add NAME [--group G]… [--password P] [--email E]`: a new account with must-change set.
 * - `list`: user names, groups and last login.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { randomPassword } from '../auth/first-admin.js';
import { groupMask, groupNames, type GroupName } from '../auth/groups.js';
import { hashPassword, passwordPolicyError } from '../auth/passwords.js';
import { revokeUserTokens } from '../auth/tokens.js';
import { emailTaken, listUsers, userByName } from '../auth/users.js';
import { loadSettings } from '../config/load.js';
import { openDatabase, type OpenDatabase } from '../storage/database.js';
import { dbBool, nowIso } from '../storage/dialect.js';
import { parseArgs, UsageError } from './args.js';
import type { CliIo } from './io.js';

/** What the command needs from its surroundings; tests pass their own. */
export interface UserCommandEnv {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  isTerminal?: boolean;
  /** Reads one line without echo (a password). */
  prompt?: (question: string) => Promise<string>;
}

const GROUPS: readonly GroupName[] = ['admin', 'media', 'user'];
/** app.md §2.1. */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,31}$/;

export const userHelp = (): string =>
  [
    'Usage: loopcast user <command> [options]',
    '',
    'Changes accounts directly in the database named by the settings (same as loopcast serve).',
    '',
    'Commands:',
    '  reset-password NAME [--password P]',
    '      Sets a new password, makes the user change it at the next login, ends every login and',
    '      revokes every token of the user. Without --password (or LOOPCAST_PASSWORD) the password',
    '      is asked twice on a terminal; otherwise a random one is printed.',
    '  add NAME [--group admin|media|user]… [--password P] [--email E]',
    '      Creates an account that must change its password at first login (default group: user).',
    '  list',
    '      User names, groups and last login.',
    '',
    'Exit codes: 0 done, 1 the operation failed (unknown user, name taken), 2 bad usage.',
  ].join('\n');

/** Reads a line from a terminal without echoing it. */
function terminalPrompt(question: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  process.stderr.write(question);
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) =>
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    }),
  );
}

interface NewPassword {
  password: string;
  /** Printed once when loopcast chose it. */
  generated: boolean;
}

async function chooseNewPassword(
  given: string | undefined,
  username: string,
  surroundings: Required<Pick<UserCommandEnv, 'isTerminal' | 'prompt'>>,
): Promise<NewPassword> {
  if (given !== undefined) {
    const policy = passwordPolicyError(given, username);
    if (policy) throw new UsageError(`--password: ${policy}`);
    return { password: given, generated: false };
  }
  if (!surroundings.isTerminal) return { password: randomPassword(), generated: true };
  const first = await surroundings.prompt(`New password for ${username}: `);
  const policy = passwordPolicyError(first, username);
  if (policy) throw new UsageError(policy);
  const second = await surroundings.prompt('Repeat the new password: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return { password: first, generated: false };
}

async function withDatabase<T>(
  surroundings: UserCommandEnv,
  run: (database: OpenDatabase) => Promise<T>,
): Promise<T> {
  const { settings } = loadSettings({
    env: surroundings.env,
    cwd: surroundings.cwd,
    isTerminal: surroundings.isTerminal,
  });
  const database = await openDatabase(
    settings.databaseUrl ?? `sqlite:${join(settings.data, 'loopcast.db')}`,
    1,
  );
  try {
    await database.migrate();
    return await run(database);
  } finally {
    await database.close();
  }
}

async function resetPassword(
  argv: string[],
  io: CliIo,
  surroundings: UserCommandEnv,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const args = parseArgs(argv, ['--password'], []);
  const [name, ...extra] = args.positionals;
  if (!name) throw new UsageError('reset-password needs a user name');
  if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
  return withDatabase(surroundings, async ({ db }) => {
    const user = await userByName(db, name);
    if (!user) {
      io.stderr(`loopcast user reset-password: no user named ${JSON.stringify(name)}`);
      return 1;
    }
    const chosen = await chooseNewPassword(
      args.values.get('--password') ?? env.LOOPCAST_PASSWORD,
      user.username,
      {
        isTerminal: surroundings.isTerminal ?? false,
        prompt: surroundings.prompt ?? terminalPrompt,
      },
    );
    const now = nowIso();
    const hash = await hashPassword(chosen.password);
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set((eb) => ({
          password_hash: hash,
          password_changed_at: now,
          updated_at: now,
          must_change: dbBool(true),
          // Every cookie of the user dies with the old epoch (§3.4).
          session_epoch: eb('session_epoch', '+', 1),
        }))
        .where('id', '=', user.id)
        .execute();
      await revokeUserTokens(trx, user.id);
    });
    io.stdout(
      chosen.generated
        ? `New password for ${user.username}: ${chosen.password}\n(the user must change it at the next login; logins and tokens were ended)`
        : `Password of ${user.username} reset; the user must change it at the next login; logins and tokens were ended.`,
    );
    return 0;
  });
}

async function addUser(
  argv: string[],
  io: CliIo,
  surroundings: UserCommandEnv,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const args = parseArgs(argv, ['--password', '--email', '--group'], []);
  // parseArgs keeps the last value of a repeated flag; --group may repeat, so collect them here.
  const groups: GroupName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = a === '--group' ? argv[i + 1] : a.startsWith('--group=') ? a.slice(8) : undefined;
    if (value === undefined) continue;
    if (!(GROUPS as readonly string[]).includes(value)) {
      throw new UsageError(`--group ${JSON.stringify(value)}: expected admin, media or user`);
    }
    groups.push(value as GroupName);
  }
  const [name, ...extra] = args.positionals;
  if (!name) throw new UsageError('add needs a user name');
  if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (!USERNAME.test(name)) {
    throw new UsageError(`user name ${JSON.stringify(name)}: 1–32 characters, [A-Za-z0-9][A-Za-z0-9._@-]*`);
  }
  const email = args.values.get('--email');
  if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email))
    throw new UsageError(`--email ${JSON.stringify(email)}: not an e-mail address`);
  return withDatabase(surroundings, async ({ db }) => {
    if (await userByName(db, name)) {
      io.stderr(`loopcast user add: the user name ${JSON.stringify(name)} is taken`);
      return 1;
    }
    if (email && (await emailTaken(db, email))) {
      io.stderr(`loopcast user add: the e-mail address ${email} belongs to another account`);
      return 1;
    }
    const chosen = await chooseNewPassword(args.values.get('--password') ?? env.LOOPCAST_PASSWORD, name, {
      isTerminal: surroundings.isTerminal ?? false,
      prompt: surroundings.prompt ?? terminalPrompt,
    });
    const now = nowIso();
    await db
      .insertInto('users')
      .values({
        username: name,
        username_lower: name.toLowerCase(),
        email: email ?? null,
        password_hash: await hashPassword(chosen.password),
        groups: groupMask(groups.length ? groups : ['user']),
        must_change: dbBool(true),
        created_at: now,
        updated_at: now,
        password_changed_at: now,
      })
      .execute();
    io.stdout(
      `Created ${name} (${(groups.length ? groups : ['user']).join(', ')})` +
        (chosen.generated ? `; password: ${chosen.password}` : '') +
        '; the password must be changed at the first login.',
    );
    return 0;
  });
}

async function list(argv: string[], io: CliIo, surroundings: UserCommandEnv): Promise<number> {
  const args = parseArgs(argv, [], []);
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  return withDatabase(surroundings, async ({ db }) => {
    const users = await listUsers(db);
    const width = Math.max(8, ...users.map((u) => u.username.length));
    io.stdout(`${'USER'.padEnd(width)}  ${'GROUPS'.padEnd(17)}  LAST LOGIN`);
    for (const u of users) {
      io.stdout(
        `${u.username.padEnd(width)}  ${groupNames(u.groups).join(',').padEnd(17)}  ${u.last_login_at ?? 'never'}`,
      );
    }
    return 0;
  });
}

export async function runUser(argv: string[], io: CliIo, surroundings: UserCommandEnv = {}): Promise<number> {
  const env = surroundings.env ?? process.env;
  const context: UserCommandEnv = {
    env,
    cwd: surroundings.cwd ?? process.cwd(),
    isTerminal: surroundings.isTerminal ?? Boolean(process.stdin.isTTY && process.stderr.isTTY),
    prompt: surroundings.prompt,
  };
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    io.stdout(userHelp());
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'reset-password') return resetPassword(rest, io, context, env);
  if (sub === 'add') return addUser(rest, io, context, env);
  if (sub === 'list') return list(rest, io, context);
  throw new UsageError(`unknown user command ${JSON.stringify(sub)}`);
}
