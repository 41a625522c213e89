/**
 * `loopcast user reset-password NAME` (app.md §10.1, §3.4, §3.7) against the database of a running
 * server: the new password works, the account must change it, the user's cookies and tokens stop
 * working at once; without a password and a terminal a random one is printed; on a terminal it is
 * asked twice and two different answers are refused; an unknown user exits 1 (checked through the
 * real `loopcast` executable). Also `user add` and `user list`, the beyond-the-reference helpers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { runUser, type UserCommandEnv } from '../../packages/server/src/cli/user.js';
import type { CliIo } from '../../packages/server/src/cli/io.js';
import { Browser } from '../../packages/server/test/unit/auth-client.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { LOOPCAST_BIN } from '../support/paths.js';

const PASSWORD = 'first-password-1';
let server: TestServer;
let surroundings: UserCommandEnv;

const app = () => server.server.app;

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
}

async function accessToken(username: string, password: string): Promise<string> {
  const res = await app().inject({ method: 'POST', url: '/api/auth/token', payload: { username, password } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ token: string }>().token;
}

before(async () => {
  server = await startTestServer({
    env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
  });
  // The command finds the server's database through the same settings the server was given.
  surroundings = { env: { LOOPCAST_DATA: server.server.context.settings.data }, isTerminal: false };
});
after(() => server?.stop());

describe('loopcast user reset-password', () => {
  it('sets the password, forces a change and ends every login and token of the user', async () => {
    const browser = new Browser(app());
    assert.equal((await browser.login('admin', PASSWORD)).statusCode, 200);
    const token = await accessToken('admin', PASSWORD);
    assert.equal((await browser.request('GET', '/api/users')).statusCode, 200);

    const io = capture();
    const code = await runUser(
      ['reset-password', 'admin', '--password', 'second-password-2'],
      io,
      surroundings,
    );
    assert.equal(code, 0, io.err.join('\n'));
    assert.match(io.out.join('\n'), /Password of admin reset/);
    assert.doesNotMatch(io.out.join('\n'), /second-password-2/, 'a given password is never echoed');

    // The old cookie is anonymous now and the token is revoked.
    assert.equal((await browser.request('GET', '/api/users')).statusCode, 401);
    const bearer = await app().inject({
      method: 'GET',
      url: '/api/tokens',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(bearer.statusCode, 401);
    // The old password fails, the new one logs in into an account that must change it.
    assert.equal((await new Browser(app()).login('admin', PASSWORD)).statusCode, 401);
    const fresh = new Browser(app());
    const login = await fresh.login('admin', 'second-password-2');
    assert.equal(login.statusCode, 200, login.body);
    assert.equal(login.json<{ mustChange: boolean }>().mustChange, true);
    assert.equal(
      (await fresh.request('GET', '/api/users')).json<{ error: { code: string } }>().error.code,
      'password_change_required',
    );
  });

  it('prints a random password when none is given and there is no terminal', async () => {
    const io = capture();
    assert.equal(await runUser(['reset-password', 'admin'], io, surroundings), 0, io.err.join('\n'));
    const printed = /New password for admin: (\S+)/.exec(io.out.join('\n'))?.[1];
    assert.ok(printed && printed.length >= 16, io.out.join('\n'));
    assert.equal((await new Browser(app()).login('admin', printed)).statusCode, 200);
  });

  it('asks twice on a terminal and refuses two different answers', async () => {
    const answers = ['third-password-3', 'third-password-X'];
    const io = capture();
    await assert.rejects(
      runUser(['reset-password', 'admin'], io, {
        ...surroundings,
        isTerminal: true,
        prompt: () => Promise.resolve(answers.shift()!),
      }),
      /the two passwords differ/,
    );
    const same = ['third-password-3', 'third-password-3'];
    const ok = capture();
    const code = await runUser(['reset-password', 'admin'], ok, {
      ...surroundings,
      isTerminal: true,
      prompt: () => Promise.resolve(same.shift()!),
    });
    assert.equal(code, 0);
    assert.equal((await new Browser(app()).login('admin', 'third-password-3')).statusCode, 200);
  });

  it('refuses a password the policy refuses, naming the flag', async () => {
    await assert.rejects(
      runUser(['reset-password', 'admin', '--password', 'short'], capture(), surroundings),
      /--password: .*8/,
    );
  });

  it('exits 1 naming an unknown user, through the real executable', () => {
    const run = spawnSync(
      process.execPath,
      [LOOPCAST_BIN, 'user', 'reset-password', 'nobody', '--password', 'whatever-123'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          LOOPCAST_DATA: server.server.context.settings.data,
        },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /no user named "nobody"/);
    const usage = spawnSync(process.execPath, [LOOPCAST_BIN, 'user', 'reset-password'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOOPCAST_DATA: server.server.context.settings.data,
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(usage.status, 2, usage.stderr);
    assert.match(usage.stderr, /needs a user name/);
  });
});

describe('loopcast user add and list', () => {
  it('creates an account that must change its password and lists it with its groups', async () => {
    const io = capture();
    const code = await runUser(
      [
        'add',
        'editor',
        '--group',
        'media',
        '--group',
        'user',
        '--password',
        'editor-pass-1',
        '--email',
        'e@example.org',
      ],
      io,
      surroundings,
    );
    assert.equal(code, 0, io.err.join('\n'));
    const login = await new Browser(app()).login('editor', 'editor-pass-1');
    assert.equal(login.statusCode, 200);
    const info = login.json<{ mustChange: boolean; user: { groups: string[]; email: string } }>();
    assert.deepEqual(
      [info.mustChange, info.user.groups, info.user.email],
      [true, ['media', 'user'], 'e@example.org'],
    );
    const again = capture();
    assert.equal(await runUser(['add', 'Editor', '--password', 'editor-pass-1'], again, surroundings), 1);
    assert.match(again.err.join('\n'), /taken/);
    await assert.rejects(runUser(['add', 'x', '--group', 'root'], capture(), surroundings), /--group "root"/);

    const listed = capture();
    assert.equal(await runUser(['list'], listed, surroundings), 0);
    const lines = listed.out.join('\n');
    assert.match(lines, /^admin\s+admin,media,user\s+(never|\d{4}-)/m);
    assert.match(lines, /^editor\s+media,user\s+\d{4}-\d\d-\d\dT/m);
  });
});
