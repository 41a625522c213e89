/**
 * The deployment documents are true (app.md §13.2–§13.4): the README's nginx example is the file
 * docker-compose mounts, and it really balances two loopcast nodes on one PostgreSQL database and
 * one bucket; the Dockerfile builds with the Node major and the commands the README names.
 * (The image itself is not built here: the test machines cannot pull registry images.)
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { postgresDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { REPO_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';
import { startS3, type TestS3 } from '../support/s3.js';
import { requireTool } from '../support/tools.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const nginxExample = readFileSync(join(REPO_ROOT, 'deploy', 'nginx-loopcast.conf'), 'utf8');
const PINNED = 'now=1740831000000&start=2025-03-01T12:00:00Z';

describe('deployment documents', () => {
  it('the README shows exactly the nginx configuration that docker-compose mounts', () => {
    const block = /```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.equal(block, nginxExample);
    assert.match(
      readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'),
      /\.\/deploy\/nginx-loopcast\.conf:/,
    );
  });

  it('the Dockerfile uses the Node major of package.json and the build commands the README names', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const engines = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const major = /^>=(\d+)\./.exec(engines)?.[1];
    const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(stages, [`node:${major}-bookworm-slim`, `node:${major}-bookworm-slim`]);
    for (const command of ['npm ci', 'npm run build']) {
      assert.ok(dockerfile.includes(command), `Dockerfile runs ${command}`);
      assert.ok(readme.includes(`\`${command}\``), `README names ${command}`);
    }
    assert.ok(readme.includes(`node:${major}-bookworm-slim`));
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^EXPOSE 5000 3689$/m);
    assert.match(dockerfile, /^HEALTHCHECK [\s\S]*\/healthz/m);
    assert.match(dockerfile, /LOOPCAST_DATA=\/data/);
  });
});

describe('the README nginx example in front of two nodes', () => {
  let s3: TestS3 | null = null;
  let database: TestDatabase | null = null;
  const nodes: TestServer[] = [];
  let stopNginx: (() => void) | null = null;
  after(async () => {
    stopNginx?.();
    for (const node of nodes) await node.stop();
    await database?.drop();
    await s3?.stop();
  });

  it('spreads a player over both nodes with identical answers and keeps /metrics private', async (t) => {
    if (!requireTool(t, 'nginx', 'nginx-light')) return;
    database = await postgresDatabase();
    if (!database) {
      const message = 'TEST_PG_URL is not set: run through npm run test:integration';
      if (process.env.CI === 'true') throw new Error(message);
      return t.skip(message);
    }
    s3 = await startS3();
    const env = { DATABASE_URL: database.url, LOOPCAST_TRUST_PROXY: '1', ...s3.env(await s3.createBucket()) };
    nodes.push(await startTestServer({ env }));
    nodes.push(await startTestServer({ env }));
    const [a, b] = nodes as [TestServer, TestServer];

    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-nginx-'));
    chmodSync(dir, 0o755);
    const temp = join(dir, 'temp');
    mkdirSync(temp);
    chmodSync(temp, 0o777);
    const site = nginxExample
      .replace('server node1:5000;', `server ${a.origin.slice('http://'.length)};`)
      .replace('server node2:5000;', `server ${b.origin.slice('http://'.length)};`)
      .replace('listen 80;', `listen 127.0.0.1:${port};`);
    assert.notEqual(site, nginxExample);
    writeFileSync(join(dir, 'site.conf'), site);
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        'worker_processes 1;',
        'daemon off;',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')} warn;`,
        'events { worker_connections 1024; }',
        'http {',
        '  access_log off;',
        `  client_body_temp_path ${temp}; proxy_temp_path ${temp}; fastcgi_temp_path ${temp};`,
        `  uwsgi_temp_path ${temp}; scgi_temp_path ${temp};`,
        `  include ${join(dir, 'site.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
    const nginx = spawn('nginx', ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')], {
      stdio: 'ignore',
    });
    stopNginx = () => {
      nginx.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    };
    const origin = `http://127.0.0.1:${port}`;
    let up = false;
    for (let i = 0; i < 50 && !up; i++) {
      up = await fetch(`${origin}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(up, `nginx answered on ${origin}: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);

    const manifestUrl = `${origin}/dash/live/demo/hand_made.mpd?${PINNED}`;
    const viaNginx = await (await fetch(manifestUrl)).text();
    const direct = await (await fetch(`${a.origin}/dash/live/demo/hand_made.mpd?${PINNED}`)).text();
    assert.equal(viaNginx.replaceAll(origin, ''), direct.replaceAll(a.origin, ''));

    const rep = /<Representation [^>]*id="([^"]+)"/.exec(viaNginx)?.[1];
    const media = /media="([^"]+)"/.exec(viaNginx)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(rep && media);
    for (let n = 140; n < 148; n++) {
      const url: URL = new URL(
        media.replace('$RepresentationID$', rep).replace('$Number$', String(n)),
        manifestUrl,
      );
      const answer = await fetch(url);
      assert.equal(answer.status, 200, url.href);
      const directly = await fetch(url.href.replace(origin, b.origin));
      assert.ok(
        Buffer.from(await answer.arrayBuffer()).equals(Buffer.from(await directly.arrayBuffer())),
        url.href,
      );
    }
    // Round robin: both nodes served segments through nginx (counted by each node's own metrics).
    for (const node of [a, b]) {
      const metrics = await (await fetch(`${node.origin}/metrics`)).text();
      const served = [...metrics.matchAll(/^loopcast_segments_total\{[^}]*status="200"\} (\d+)$/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
      assert.ok(served >= 4, `${node.origin} served ${served} segments`);
    }
    assert.equal((await fetch(`${origin}/metrics`)).status, 403, 'nginx keeps /metrics private');
  });
});
