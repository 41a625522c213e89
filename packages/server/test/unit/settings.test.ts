import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSettings, SettingError } from '../../src/config/load.js';
import { SETTINGS } from '../../src/config/settings.js';
import { parseDuration, parseSize } from '../../src/config/value-syntax.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'loopcast-settings-'));

describe('settings', () => {
  it('applies defaults and derived defaults', () => {
    const cwd = tempDir();
    const { settings, sources } = loadSettings({ env: {}, cwd, isTerminal: false });
    assert.equal(settings.port, 5000);
    assert.equal(settings.host, '0.0.0.0');
    assert.equal(settings.data, join(cwd, 'data'));
    assert.equal(settings.databaseUrl, `sqlite:${join(cwd, 'data', 'loopcast.db')}`);
    assert.equal(settings.blobCacheMb, 0);
    assert.equal(settings.logFormat, 'json');
    assert.equal(settings.mdns, 'on');
    assert.equal(settings.sessionTtl, 12 * 3_600_000);
    assert.equal(sources.port, 'default');
  });

  it('takes flag over environment over settings file over default', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, '.env'),
      'LOOPCAST_PORT=6001\nLOOPCAST_HOST=127.0.0.2\nLOOPCAST_DAAP_PORT=4000\n',
    );
    const loaded = loadSettings({
      env: { LOOPCAST_HOST: '127.0.0.3', LOOPCAST_DAAP_PORT: '4001' },
      flags: { daapPort: '4002' },
      cwd,
    });
    assert.equal(loaded.settings.port, 6001);
    assert.equal(loaded.sources.port, 'settings file');
    assert.equal(loaded.settings.host, '127.0.0.3');
    assert.equal(loaded.settings.daapPort, 4002);
    assert.equal(loaded.sources.daapPort, 'flag');
  });

  it('reads the settings file named by LOOPCAST_SETTINGS', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'custom.env'), 'LOOPCAST_PORT=7001\n');
    const { settings, settingsFile } = loadSettings({ env: { LOOPCAST_SETTINGS: 'custom.env' }, cwd });
    assert.equal(settings.port, 7001);
    assert.equal(settingsFile, join(cwd, 'custom.env'));
  });

  it('names the setting, its source and what is accepted in one line', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, '.env'), 'LOOPCAST_PORT=70000\n');
    assert.throws(
      () => loadSettings({ env: {}, cwd }),
      (err: unknown) =>
        err instanceof SettingError &&
        err.message ===
          'loopcast: invalid setting LOOPCAST_PORT="70000" (from .env): expected an integer from 1 to 65535',
    );
  });

  it('rejects a bad value for every setting with a parser that can fail', () => {
    const bad: Partial<Record<keyof typeof SETTINGS, string>> = {
      port: 'x',
      dbPool: '0',
      blobStore: 'ftp',
      trustProxy: 'true',
      databaseUrl: 'mysql://x',
      sessionTtl: '1s',
      cookieSecure: 'maybe',
      adminUser: '-bad',
      adminPassword: 'short',
      demo: 'perhaps',
      daapPort: '0',
      mdns: 'sometimes',
      logLevel: 'loud',
      accessLog: 'some',
      allowedDomains: '(',
      publicUrl: 'ftp://x/y',
      uploadMaxBytes: 'lots',
      s3Prefix: 'noslash',
      shutdownGrace: 'soon',
      segmentCacheMb: '70000',
    };
    for (const [name, raw] of Object.entries(bad)) {
      const env = SETTINGS[name as keyof typeof SETTINGS].env;
      assert.throws(
        () => loadSettings({ env: { [env]: raw }, cwd: tempDir() }),
        (err: unknown) =>
          err instanceof SettingError &&
          err.message.includes(`invalid setting ${env}=`) &&
          err.message.includes('expected'),
        `${env}=${raw} should be refused`,
      );
    }
  });

  it('hides secret values in error lines', () => {
    assert.throws(
      () => loadSettings({ env: { LOOPCAST_SESSION_SECRET: 'tooshort' }, cwd: tempDir() }),
      (err: unknown) =>
        err instanceof SettingError && err.message.includes('(hidden)') && !err.message.includes('tooshort'),
    );
  });

  it('cross-checks: s3 needs a bucket, ports differ, secrets differ', () => {
    const cwd = tempDir();
    assert.throws(
      () => loadSettings({ env: { LOOPCAST_BLOB_STORE: 's3' }, cwd }),
      /LOOPCAST_S3_BUCKET is required/,
    );
    assert.throws(
      () => loadSettings({ env: { LOOPCAST_DAAP_PORT: '5000' }, cwd }),
      /must differ from the HTTP port/,
    );
    assert.doesNotThrow(() =>
      loadSettings({ env: { LOOPCAST_DAAP_PORT: '5000', LOOPCAST_DAAP: 'off' }, cwd }),
    );
    const secret = 'x'.repeat(40);
    assert.throws(
      () => loadSettings({ env: { LOOPCAST_SESSION_SECRET: secret, LOOPCAST_CSRF_SECRET: secret }, cwd }),
      /must differ/,
    );
  });

  it('warns about unknown LOOPCAST_ names and dash-live names', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, '.env'), 'FLASK_SECRET_KEY=abc\n');
    const { warnings } = loadSettings({ env: { LOOPCAST_PROT: '1', FLASK_DASH__OTHER: '1' }, cwd });
    assert.ok(warnings.some((w) => w.includes('unknown setting LOOPCAST_PROT')));
    assert.ok(
      warnings.some(
        (w) => w.includes('FLASK_SECRET_KEY (from .env)') && w.includes('LOOPCAST_SESSION_SECRET'),
      ),
    );
    assert.ok(warnings.some((w) => w.includes('FLASK_DASH__OTHER') && w.includes('no counterpart')));
  });

  it('parses durations and sizes', () => {
    assert.equal(parseDuration('90'), 90_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseSize('4G'), 4 * 1024 ** 3);
    assert.equal(parseSize('512MiB'), 512 * 1024 ** 2);
    assert.equal(parseSize('1000'), 1000);
  });
});

describe('README configuration reference', () => {
  it('is the one generated from the settings table (npm run docs:settings)', async () => {
    const { readFileSync } = await import('node:fs');
    const { withSettingsDoc } = await import('../../src/config/settings-doc.js');
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    assert.equal(
      readme,
      withSettingsDoc(readme),
      'README settings table is stale: run npm run docs:settings',
    );
  });
});
