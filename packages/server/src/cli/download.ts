/**
 * `loopcast download --host URL (--user U --password P | --token T) [--stream DIR] DEST` (spec
 * app.md §10.5): backs up streams — each file into `DEST/<directory>/<fileName>` through a `.part`
 * file (resumed with a Range, verified by SHA-256, renamed when complete; present files with the
 * right hash are skipped), then `DEST/<directory>.json` per stream and `DEST/downloaded.json` for
 * all of them: v2 upload descriptions with keys, timing reference, defaults and on-the-fly KID, so
 * `loopcast upload DEST/downloaded.json` restores the backup on another server.
 */
import { constants, createWriteStream, existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs-atomic.js';
import { DIRECTORY_PATTERN } from '../media/streams.js';
import { ApiCallError, withRetries, type ApiClient } from '../upload/api-client.js';
import type { KeyEntry } from '../upload/description.js';
import { checkMediaFileName } from '../upload/file-names.js';
import { sha256File } from '../upload/hash-file.js';
import { progress } from '../upload/progress.js';
import { parseArgs, UsageError } from './args.js';
import type { CliIo } from './io.js';
import { connect } from './upload.js';

export const downloadHelp = (): string =>
  [
    'Usage: loopcast download --host URL (--user U --password P | --token T) [--stream DIR] DEST',
    '',
    'Backs up every stream (or the one named by --stream): its media files into DEST/<directory>/,',
    'DEST/<directory>.json and DEST/downloaded.json (upload descriptions that restore the backup).',
    '',
    '  --host URL        The loopcast server, e.g. http://localhost:8080',
    '  --user U          Log in as U (with --password) for an access token',
    '  --password P      The password of --user',
    '  --token T         An upload token',
    '  --stream DIR      Only this stream',
    '  --help            Show this help',
  ].join('\n');

interface RemoteFile {
  id: number;
  fileName: string;
  size: number;
  sha256: string;
  kids: string[];
}
interface RemoteStream {
  directory: string;
  title: string;
  marlinLaUrl: string | null;
  playreadyLaUrl: string | null;
  timingReference: { name: string } | null;
  otfKid: string;
  defaults: Record<string, unknown>;
  files: RemoteFile[];
}
interface RemoteKey {
  kid: string;
  key?: string;
  computed: boolean;
  alg: 'AESCTR' | 'AESCBC';
}

interface StreamJson {
  directory: string;
  title: string;
  marlin_la_url?: string;
  playready_la_url?: string;
  files: string[];
  timing_ref?: string;
  defaults?: Record<string, unknown>;
  otf_kid?: string;
}

/** One file through `.part` (§10.5); returns false when it was already present. */
async function fetchFile(
  client: ApiClient,
  file: RemoteFile,
  dir: string,
  io: CliIo,
  label: string,
): Promise<boolean> {
  const target = join(dir, file.fileName);
  if (
    existsSync(target) &&
    statSync(target).size === file.size &&
    (await sha256File(target)) === file.sha256
  ) {
    io.stdout(`${label}: already present`);
    return false;
  }
  const part = `${target}.part`;
  await withRetries(
    async () => {
      let from = existsSync(part) ? statSync(part).size : 0;
      if (from > file.size) from = 0;
      // A new .part is created exclusively and never through a symbolic link.
      const flags =
        from > 0
          ? constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW
          : constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
      if (from === 0 && existsSync(part)) renameSync(part, `${part}.old`);
      const bar = progress(io, label, file.size);
      let got = from;
      const status = await client.download(
        `/api/files/${file.id}/content`,
        from,
        createWriteStream(part, { fd: openSync(part, flags, 0o644) }),
        (n) => bar.update((got += n)),
      );
      if (from > 0 && status !== 206)
        throw new ApiCallError(0, `${label}: the server ignored the Range`, false);
      bar.done(from > 0 ? `resumed at byte ${from}` : 'downloaded');
    },
    (err, n) => io.stderr(`${label}: ${err.message}; retry ${n} of 3`),
  );
  if ((await sha256File(part)) !== file.sha256) {
    throw new Error(`${label}: the SHA-256 does not match the server's; the .part file is kept`);
  }
  renameSync(part, target);
  return true;
}

export async function runDownload(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['--host', '--user', '--password', '--token', '--stream'], ['--help']);
  if (args.booleans.has('--help')) {
    io.stdout(downloadHelp());
    return 0;
  }
  const dest = args.positionals[0];
  if (!dest || args.positionals.length > 1) throw new UsageError('name one destination folder');
  const client = await connect(args.values, io);
  const only = args.values.get('--stream');
  const all = await client.json<{ directory: string }[]>('GET', '/api/streams');
  const chosen = all.filter((s) => !only || s.directory === only);
  if (only && !chosen.length) throw new Error(`the server has no stream ${only}`);
  const keys = new Map((await client.json<RemoteKey[]>('GET', '/api/keys')).map((k) => [k.kid, k]));
  const keyEntry = (kid: string): KeyEntry | null => {
    const k = keys.get(kid);
    if (!k) return null;
    const alg = k.alg !== 'AESCTR' ? { alg: k.alg } : {};
    return k.computed || !k.key ? { kid, computed: true, ...alg } : { kid, key: k.key, ...alg };
  };

  mkdirSync(dest, { recursive: true });
  const everything: { keys: KeyEntry[]; streams: StreamJson[] } = { keys: [], streams: [] };
  let downloaded = 0;
  const failures: string[] = [];
  for (const { directory } of chosen) {
    // Names from the server are re-checked before they become paths (§10.5).
    if (!new RegExp(DIRECTORY_PATTERN).test(directory)) {
      failures.push(`stream ${JSON.stringify(directory)}: not a valid directory name; skipped`);
      continue;
    }
    const stream = await client.json<RemoteStream>('GET', `/api/streams/${directory}`);
    const dir = join(dest, directory);
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    const kids = new Set<string>([stream.otfKid]);
    for (const file of stream.files) {
      const check = checkMediaFileName(file.fileName);
      if (!check.ok || check.fileName !== file.fileName) {
        failures.push(`${directory}/${file.fileName}: not a valid media file name; skipped`);
        continue;
      }
      try {
        if (await fetchFile(client, file, dir, io, `${directory}/${file.fileName}`)) downloaded++;
        files.push(`${directory}/${file.fileName}`);
        for (const kid of file.kids) kids.add(kid);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    const streamKeys = [...kids].map(keyEntry).filter((k): k is KeyEntry => k !== null);
    const entry: StreamJson = {
      directory,
      title: stream.title,
      ...(stream.marlinLaUrl ? { marlin_la_url: stream.marlinLaUrl } : {}),
      ...(stream.playreadyLaUrl ? { playready_la_url: stream.playreadyLaUrl } : {}),
      files,
      ...(stream.timingReference
        ? {
            timing_ref: stream.files.find((f) => f.fileName.startsWith(`${stream.timingReference!.name}.`))
              ?.fileName,
          }
        : {}),
      ...(Object.keys(stream.defaults).length ? { defaults: stream.defaults } : {}),
      // The on-the-fly KID travels only with its key, which upload installs before setting it.
      ...(keys.has(stream.otfKid) ? { otf_kid: stream.otfKid } : {}),
    };
    // The per-stream file sits beside the folder, so its paths are relative to DEST too.
    writeFileAtomic(
      join(dest, `${directory}.json`),
      `${JSON.stringify({ keys: streamKeys, streams: [entry] }, null, 2)}\n`,
    );
    everything.streams.push(entry);
    for (const k of streamKeys) if (!everything.keys.some((e) => e.kid === k.kid)) everything.keys.push(k);
  }
  writeFileAtomic(join(dest, 'downloaded.json'), `${JSON.stringify(everything, null, 2)}\n`);
  io.stdout(
    `${everything.streams.length} streams backed up in ${dest}: ${downloaded} files downloaded, ${failures.length} errors`,
  );
  for (const f of failures) io.stderr(`error: ${f}`);
  return failures.length ? 1 : 0;
}
