/**
 * `loopcast upload --host URL (--user U --password P | --token T) FILE.json…` (spec app.md §10.3,
 * §10.4): installs the keys, streams and media files of dash-live upload descriptions — missing
 * keys created, streams created or updated, files uploaded with a progress bar unless the server
 * has the same bytes, the timing reference, defaults and on-the-fly KID set — then one summary.
 * Exit 1 when a file failed or ended with an `error` record.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiCallError, ApiClient, withRetries } from '../upload/api-client.js';
import { readDescription, type Description, type StreamEntry } from '../upload/description.js';
import { sha256File } from '../upload/hash-file.js';
import { progress } from '../upload/progress.js';
import { parseArgs, UsageError } from './args.js';
import type { CliIo } from './io.js';

export const uploadHelp = (): string =>
  [
    'Usage: loopcast upload --host URL (--user U --password P | --token T) [--force] [--dry-run] FILE.json…',
    '',
    'Installs keys, streams and media files from dash-live upload descriptions (v1 or v2); file',
    'paths are relative to each description. Needs a media user or an upload token.',
    '',
    '  --host URL        The loopcast server, e.g. http://localhost:8080',
    '  --user U          Log in as U (with --password) for an access token',
    '  --password P      The password of --user',
    '  --token T         An upload token (create one on the streams or account page)',
    '  --force           Replace keys that differ and upload files the server already has',
    '  --dry-run         Authenticate and print what would be done, changing nothing',
    '  --help            Show this help',
  ].join('\n');

interface ServerKey {
  kid: string;
  key?: string;
  computed: boolean;
}
interface ServerFile {
  name: string;
  fileName: string;
  size: number;
  sha256: string;
  contentType: string | null;
  errors: { reason: string; severity: string; details: string }[];
}
interface ServerStream {
  directory: string;
  title: string;
  marlinLaUrl: string | null;
  playreadyLaUrl: string | null;
  otfKid: string;
  timingReference: { name: string } | null;
}

/** Authenticates with a token or a password and checks the media permission (§10.3 step 1). */
export async function connect(argv: Map<string, string>, io: CliIo): Promise<ApiClient> {
  const host = argv.get('--host');
  if (!host) throw new UsageError('--host is required');
  const client = new ApiClient(ApiClient.parseHost(host));
  const token = argv.get('--token');
  const user = argv.get('--user');
  if (token) client.useToken(token);
  else if (user) {
    const password = argv.get('--password');
    if (password === undefined) throw new UsageError('--user needs --password');
    await client.login(user, password);
  } else throw new UsageError('give --token, or --user and --password');
  const session = await client.json<{ user: { username: string } | null; permissions: { media: boolean } }>(
    'GET',
    '/api/auth/session',
  );
  if (!session.user) throw new Error('the server did not accept the credentials');
  if (!session.permissions.media) {
    throw new Error(`the account ${session.user.username} lacks the media permission (group media or admin)`);
  }
  io.stdout(`Logged in to ${client.host.origin} as ${session.user.username}.`);
  return client;
}

interface Tally {
  files: number;
  bytes: number;
  skipped: number;
  keys: number;
  streamsCreated: number;
  streamsUpdated: number;
  errors: string[];
}

async function installKeys(
  client: ApiClient,
  d: Description,
  io: CliIo,
  opts: Opts,
  tally: Tally,
): Promise<void> {
  if (!d.keys.length) return;
  const existing = new Map((await client.json<ServerKey[]>('GET', '/api/keys')).map((k) => [k.kid, k]));
  for (const k of d.keys) {
    const have = existing.get(k.kid);
    const computed = k.computed === true || !k.key;
    if (!have) {
      io.stdout(`${opts.dryRun ? 'Would add' : 'Adding'} key ${k.kid}${computed ? ' (computed)' : ''}`);
      if (!opts.dryRun) {
        await client.json('POST', '/api/keys', {
          kid: k.kid,
          ...(computed ? {} : { key: k.key }),
          ...(k.alg ? { alg: k.alg } : {}),
        });
      }
      tally.keys++;
      existing.set(k.kid, { kid: k.kid, computed, ...(k.key ? { key: k.key } : {}) });
      continue;
    }
    const differs = computed ? !have.computed : have.key !== undefined && have.key !== k.key;
    if (!differs) continue;
    if (!opts.force) {
      io.stderr(`Key ${k.kid} differs on the server; left alone (use --force to replace it)`);
      continue;
    }
    io.stdout(`${opts.dryRun ? 'Would replace' : 'Replacing'} key ${k.kid}`);
    if (!opts.dryRun) await client.json('PATCH', `/api/keys/${k.kid}`, { key: computed ? null : k.key });
  }
}

async function installStream(
  client: ApiClient,
  s: StreamEntry,
  io: CliIo,
  opts: Opts,
  tally: Tally,
): Promise<void> {
  const path = `/api/streams/${encodeURIComponent(s.directory)}`;
  let server: (ServerStream & { files?: ServerFile[] }) | null = null;
  try {
    server = await client.json<ServerStream & { files?: ServerFile[] }>('GET', path);
  } catch (err) {
    if (!(err instanceof ApiCallError) || err.status !== 404) throw err;
  }
  const wanted = {
    title: s.title,
    marlinLaUrl: s.marlin_la_url ?? null,
    playreadyLaUrl: s.playready_la_url ?? null,
  };
  if (!server) {
    io.stdout(`${opts.dryRun ? 'Would create' : 'Creating'} stream ${s.directory}`);
    if (!opts.dryRun) {
      await client.json('POST', '/api/streams', {
        directory: s.directory,
        title: s.title,
        ...(s.marlin_la_url ? { marlinLaUrl: s.marlin_la_url } : {}),
        ...(s.playready_la_url ? { playreadyLaUrl: s.playready_la_url } : {}),
      });
    }
    tally.streamsCreated++;
  } else if (
    server.title !== wanted.title ||
    server.marlinLaUrl !== wanted.marlinLaUrl ||
    server.playreadyLaUrl !== wanted.playreadyLaUrl
  ) {
    io.stdout(`${opts.dryRun ? 'Would update' : 'Updating'} stream ${s.directory}`);
    if (!opts.dryRun) await client.json('PATCH', path, wanted);
    tally.streamsUpdated++;
  }

  const onServer = new Map((server?.files ?? []).map((f) => [f.fileName, f]));
  const uploaded: ServerFile[] = [];
  for (const file of s.files) {
    const name = basename(file);
    const size = statSync(file).size;
    const have = onServer.get(name);
    if (have && !opts.force && have.size === size && have.sha256 === (await sha256File(file))) {
      io.stdout(`${s.directory}/${name}: already on the server`);
      tally.skipped++;
      uploaded.push(have);
      continue;
    }
    if (opts.dryRun) {
      io.stdout(`Would upload ${s.directory}/${name} (${size} bytes)`);
      continue;
    }
    try {
      const answer = await withRetries(
        () => {
          const bar = progress(io, `${s.directory}/${name}`, size);
          return client
            .uploadFile<ServerFile>(file, size, `${path}/files`, (sent) => bar.update(sent))
            .then((f) => {
              const errors = f.errors.filter((e) => e.severity === 'error');
              bar.done(errors.length ? `indexed with errors` : `indexed`);
              return f;
            })
            .catch((err: unknown) => {
              bar.done(`failed: ${(err as Error).message}`);
              throw err;
            });
        },
        (err, n) => io.stderr(`${s.directory}/${name}: ${err.message}; retry ${n} of 3`),
      );
      tally.files++;
      tally.bytes += size;
      for (const e of answer.errors) {
        io.stdout(`  ${e.severity} ${e.reason}: ${e.details}`);
        if (e.severity === 'error') tally.errors.push(`${s.directory}/${name}: ${e.reason}`);
      }
      uploaded.push(answer);
    } catch (err) {
      tally.errors.push(`${s.directory}/${name}: ${(err as Error).message}`);
    }
  }
  if (opts.dryRun) return;

  // Timing reference: as described, else the first video file (§10.3 step 6).
  const ref = s.timing_ref ?? uploaded.find((f) => f.contentType === 'video')?.fileName;
  const changes: Record<string, unknown> = {};
  if (ref) changes.timingReference = ref;
  if (s.otf_kid && s.otf_kid !== server?.otfKid) changes.otfKid = s.otf_kid;
  if (Object.keys(changes).length) {
    try {
      await client.json('PATCH', path, changes);
    } catch (err) {
      tally.errors.push(`${s.directory}: ${(err as Error).message}`);
    }
  }
  if (s.defaults) {
    try {
      await client.json('PUT', `${path}/defaults`, { values: s.defaults });
    } catch (err) {
      tally.errors.push(`${s.directory} defaults: ${(err as Error).message}`);
    }
  }
}

interface Opts {
  force: boolean;
  dryRun: boolean;
}

export async function runUpload(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(
    argv,
    ['--host', '--user', '--password', '--token'],
    ['--force', '--dry-run', '--help'],
  );
  if (args.booleans.has('--help')) {
    io.stdout(uploadHelp());
    return 0;
  }
  if (!args.positionals.length) throw new UsageError('name at least one description file');
  const opts: Opts = { force: args.booleans.has('--force'), dryRun: args.booleans.has('--dry-run') };

  // Every description is read, and every file it names checked, before anything is sent (step 2).
  const descriptions = args.positionals.map(readDescription);
  for (const d of descriptions) for (const w of d.warnings) io.stderr(`warning: ${w}`);
  const missing = descriptions.flatMap((d) =>
    d.streams.flatMap((s) => s.files.filter((f) => !existsSync(f))),
  );
  if (missing.length) {
    io.stderr(`Missing files:\n${missing.map((m) => `  ${m}`).join('\n')}`);
    return 1;
  }

  const client = await connect(args.values, io);
  const tally: Tally = {
    files: 0,
    bytes: 0,
    skipped: 0,
    keys: 0,
    streamsCreated: 0,
    streamsUpdated: 0,
    errors: [],
  };
  for (const d of descriptions) {
    await installKeys(client, d, io, opts, tally);
    for (const s of d.streams) await installStream(client, s, io, opts, tally);
  }
  io.stdout(
    `${opts.dryRun ? 'Dry run: ' : ''}${tally.files} files uploaded (${tally.bytes} bytes), ${tally.skipped} already present, ` +
      `${tally.keys} keys created, ${tally.streamsCreated} streams created, ${tally.streamsUpdated} updated, ` +
      `${tally.errors.length} errors`,
  );
  for (const e of tally.errors) io.stderr(`error: ${e}`);
  return tally.errors.length ? 1 : 0;
}
