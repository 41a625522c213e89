/** Where a command writes; tests capture it. */
export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export const processIo: CliIo = {
  stdout: (line) => process.stdout.write(line.endsWith('\n') ? line : line + '\n'),
  stderr: (line) => process.stderr.write(line.endsWith('\n') ? line : line + '\n'),
};
