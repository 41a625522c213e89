/**
 * `loopcast validate URL` (validator.md §7): runs the DASH validator with the CLI's fetcher (no
 * address rule; local MPD files allowed), prints the text form or the JSON report on stdout,
 * logs and the progress bar on stderr. Exit: 0 no error, 1 errors, 2 usage, 3 the manifest could
 * not be fetched or parsed, 130 interrupted.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reportText, validate, xsdAvailable, type LogLevel, type ValidateOptions } from '@loopcast/dash';
import { parseArgs, UsageError } from './args.js';
import type { CliIo } from './io.js';
import { cliFetcher } from './validate-fetch.js';
import { createProgress } from './validate-progress.js';
import { prepareSaveDir, saveStream } from './validate-save.js';

export const validateHelp = (): string =>
  [
    'Usage: loopcast validate URL [--duration S] [--encrypted] [--json] [--concurrency N]',
    '                             [--no-media] [--schema PATH] [--save DIR [--prefix P] [--title T]]',
    '                             [-v|-vv]',
    '',
    'Checks a DASH stream (an http(s) MPD URL or a local MPD file) and reports what is wrong and where.',
    '',
    '  --duration S      seconds to follow a live stream, or of media per Period of a static one',
    '                    (0 = all); default 30, 0–86400',
    '  --encrypted       every video and audio set must be protected (CP_EXPECTED)',
    '  --json            print the report as one JSON document instead of text',
    '  --concurrency N   parallel requests, 1–32, default 4',
    '  --no-media        check the manifest and init segments only',
    '  --schema PATH     validate manifests against this XSD (xmllint, else xmllint-wasm); also LOOPCAST_VALIDATOR_SCHEMA',
    '  --save DIR        then capture the first Period into DIR as `loopcast upload` input:',
    '                    <prefix>_<representationId>.mp4 files and <prefix>.json',
    '  --prefix P        file name prefix (default: the MPD file name without extension)',
    '  --title T         stream title (default: the MPD ProgramInformation title or the prefix)',
    '  -v, -vv           log requests and phases (-vv: debug detail) on stderr',
    '',
    'Exit status: 0 no error, 1 errors found, 2 usage error, 3 manifest not fetched or parsed, 130 interrupted.',
  ].join('\n');

function intFlag(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return Number(value);
}

export async function runValidate(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(validateHelp());
    return 0;
  }
  let verbosity = 0;
  const rest = argv.filter((a) => {
    if (a === '-v') verbosity = Math.max(verbosity, 1);
    else if (a === '-vv') verbosity = 2;
    else return true;
    return false;
  });
  const args = parseArgs(
    rest,
    ['--duration', '--concurrency', '--schema', '--save', '--prefix', '--title'],
    ['--encrypted', '--json', '--no-media'],
  );
  if (args.positionals.length !== 1) throw new UsageError('give exactly one manifest URL or file');
  const target = args.positionals[0]!;
  const duration = intFlag(args.values.get('--duration'), '--duration', 0, 86400, 30);
  const concurrency = intFlag(args.values.get('--concurrency'), '--concurrency', 1, 32, 4);
  const schema = args.values.get('--schema') ?? (process.env.LOOPCAST_VALIDATOR_SCHEMA || undefined);
  if (schema !== undefined) {
    if (!existsSync(schema)) throw new UsageError(`--schema ${JSON.stringify(schema)} does not exist`);
    if (!xsdAvailable())
      throw new UsageError(
        '--schema needs xmllint (apt-get install libxml2-utils) or the optional npm package xmllint-wasm',
      );
  }
  const save = args.values.get('--save');
  if (save === undefined && (args.values.has('--prefix') || args.values.has('--title')))
    throw new UsageError('--prefix and --title need --save DIR');
  const title = args.values.get('--title');
  if (title !== undefined && (title.length < 1 || title.length > 120))
    throw new UsageError('--title must have 1 to 120 characters');
  const saveRoot = save === undefined ? undefined : await prepareSaveDir(save);
  let url: string;
  let root: string | undefined;
  if (/^https?:\/\//i.test(target)) url = target;
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target))
    throw new UsageError(`only http(s) URLs and local files, not ${JSON.stringify(target)}`);
  else {
    root = resolve(target);
    if (!existsSync(root))
      throw new UsageError(`${JSON.stringify(target)} is neither an http(s) URL nor an existing file`);
    url = pathToFileURL(root).href;
  }
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const started = Date.now();
  const progress = await createProgress({
    live: () =>
      duration ? `live ${Math.min(duration, Math.round((Date.now() - started) / 1000))}/${duration} s` : '',
  });
  const levels: LogLevel[] =
    verbosity >= 2 ? ['debug', 'info', 'warn', 'error'] : verbosity === 1 ? ['info', 'warn', 'error'] : [];
  const opts: ValidateOptions = {
    url,
    duration,
    encrypted: args.booleans.has('--encrypted'),
    media: !args.booleans.has('--no-media'),
    concurrency,
    signal: controller.signal,
    ...(schema !== undefined && { schemaPath: schema }),
  };
  try {
    const fetcher = cliFetcher({ concurrency, ...(root !== undefined && { root }) });
    const report = await validate(opts, fetcher, {
      progress: (p) => progress?.progress(p),
      issue: (i) => progress?.issue(i),
      log: (e) => {
        if (levels.includes(e.level)) io.stderr(`${e.at} ${e.level.padEnd(5)} ${e.text}`);
      },
    });
    progress?.stop();
    if (args.booleans.has('--json')) io.stdout(JSON.stringify(report, null, 2));
    else io.stdout(reportText(report, { colour: process.stdout.isTTY === true && !process.env.NO_COLOR }));
    if (interrupted) return 130;
    if (report.type === null) return 3;
    if (saveRoot !== undefined) {
      try {
        const saved = await saveStream(
          url,
          saveRoot,
          {
            dir: saveRoot,
            ...(args.values.has('--prefix') && { prefix: args.values.get('--prefix')! }),
            ...(title !== undefined && { title }),
          },
          fetcher,
          controller.signal,
        );
        io.stderr(`saved ${saved.files.length} files and ${saved.description}`);
      } catch (err) {
        io.stderr(`--save failed: ${(err as Error).message}`);
        return interrupted ? 130 : 1;
      }
    }
    return report.summary.errors > 0 ? 1 : 0;
  } finally {
    progress?.stop();
    process.off('SIGINT', onSigint);
  }
}
