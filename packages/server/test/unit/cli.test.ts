import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, it } from 'node:test';
import { runInit } from '../../src/cli/init.js';
import { main } from '../../src/cli/main.js';
import { loadSettings } from '../../src/config/load.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) }, out, err };
}

describe('loopcast CLI', () => {
  it('prints help for the command and every subcommand', async () => {
    for (const argv of [['--help'], ['serve', '--help'], ['init', '--help']]) {
      const c = capture();
      assert.equal(await main(argv, c.io), 0, argv.join(' '));
      assert.match(c.out.join('\n'), /Usage: loopcast/);
    }
  });

  it('exits 2 naming an unknown command or option', async () => {
    let c = capture();
    assert.equal(await main(['frobnicate'], c.io), 2);
    assert.match(c.err.join(''), /unknown command "frobnicate"/);
    c = capture();
    assert.equal(await main(['serve', '--prot', '1'], c.io), 2);
    assert.match(c.err.join(''), /unknown option --prot/);
  });

  it('init writes a private settings file that loads, and refuses to overwrite without --force', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'loopcast-init-'));
    const c = capture();
    assert.equal(runInit(['--admin-user', 'boss'], c.io, cwd, {}), 0);
    const file = join(cwd, '.env');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const values = parseEnv(readFileSync(file, 'utf8'));
    assert.equal(values.LOOPCAST_ADMIN_USER, 'boss');
    assert.ok((values.LOOPCAST_SESSION_SECRET ?? '').length >= 32);
    assert.notEqual(values.LOOPCAST_SESSION_SECRET, values.LOOPCAST_CSRF_SECRET);
    const { settings } = loadSettings({ env: {}, cwd });
    assert.equal(settings.adminUser, 'boss');
    assert.equal(settings.adminPassword, values.LOOPCAST_ADMIN_PASSWORD);
    assert.ok(c.out.some((l) => l.includes(values.LOOPCAST_ADMIN_PASSWORD ?? '?')));

    assert.equal(runInit([], capture().io, cwd, {}), 1);
    writeFileSync(file, readFileSync(file, 'utf8') + 'LOOPCAST_PORT=6000\n');
    assert.equal(runInit(['--force'], capture().io, cwd, {}), 0);
    const after = parseEnv(readFileSync(file, 'utf8'));
    assert.equal(after.LOOPCAST_PORT, '6000', '--force keeps keys it does not write');
    assert.notEqual(after.LOOPCAST_SESSION_SECRET, values.LOOPCAST_SESSION_SECRET);
  });

  it('init honours LOOPCAST_SETTINGS and validates its flags', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'loopcast-init-'));
    assert.equal(runInit([], capture().io, cwd, { LOOPCAST_SETTINGS: 'site.env' }), 0);
    assert.ok(statSync(join(cwd, 'site.env')).isFile());
    const c = capture();
    assert.equal(await main(['init', '--admin-password', 'short', '--file', join(cwd, 'x.env')], c.io), 2);
    assert.match(c.err.join(''), /--admin-password "short": expected 8–256 characters/);
  });
});
