import { runMp4Command } from './src/index.js';
const io = { stdout: (s: string) => console.log(s), stderr: (s: string) => console.error('ERR>', s) };
const a = process.argv.slice(2);
process.exitCode = await runMp4Command(a, io);
