/** `loopcast mp4 …`: the box dump and indexer of packages/bmff on the command line. */
import type { CliIo } from './io.js';

export async function runMp4Command(argv: string[], io: CliIo): Promise<number> {
  const bmff = (await import('@loopcast/bmff')) as Record<string, unknown>;
  const run = bmff.runMp4Command as ((args: string[], io: CliIo) => Promise<number>) | undefined;
  if (!run) {
    io.stderr('loopcast mp4: not available in this build');
    return 1;
  }
  return run(argv, io);
}
