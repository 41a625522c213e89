/** The part of cli-progress (which ships no types) that the upload and download commands use. */
declare module 'cli-progress' {
  interface BarOptions {
    format?: string;
    hideCursor?: boolean;
    clearOnComplete?: boolean;
    stream?: NodeJS.WritableStream;
  }
  export class SingleBar {
    constructor(options: BarOptions, preset?: unknown);
    start(total: number, value: number, payload?: Record<string, unknown>): void;
    update(value: number, payload?: Record<string, unknown>): void;
    stop(): void;
  }
  export const Presets: { shades_classic: unknown };
  const cliProgress: { SingleBar: typeof SingleBar; Presets: typeof Presets };
  export default cliProgress;
}
