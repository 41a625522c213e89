/** `loopcast mp4 …`: the box dump and indexer of packages/bmff on the command line. */
import { runMp4Command as runBmffMp4Command } from '@loopcast/bmff';
import type { CliIo } from './io.js';

export const runMp4Command = (argv: string[], io: CliIo): Promise<number> => runBmffMp4Command(argv, io);
