/**
 * The page's side of the validator websocket (validator.md §8.2): one JSON object per text frame.
 * The shapes are the validator's public types (packages/dash/src/validator/types.ts).
 */
import type {
  CodecInfo,
  LogLevel,
  Phase,
  ValidationIssue,
  ValidationReport,
} from '../../../dash/src/validator/types.ts';

export type { CodecInfo, ValidationIssue, ValidationReport };

export interface LogEntry {
  level: LogLevel;
  text: string;
  at: string;
}
export interface ManifestDoc {
  url: string;
  refresh: number;
  publishTime: string | null;
  text: string;
}
export interface Progress {
  done: number;
  total: number;
  phase: Phase;
  text: string;
  errors: number;
  warnings: number;
}
export interface Finished {
  summary: ValidationReport['summary'];
  aborted: boolean;
  startedAt: string;
  finishedAt: string;
}
export type FieldErrors = Partial<Record<'url' | 'duration' | 'directory' | 'title', string>>;

export type ServerMessage =
  | { type: 'accepted'; runId: string; startedAt: string }
  | { type: 'fieldErrors'; fields: FieldErrors }
  | { type: 'busy'; retryAfter: number }
  | ({ type: 'progress' } & Progress)
  | { type: 'log'; entries: LogEntry[] }
  | ({ type: 'manifest' } & ManifestDoc)
  | { type: 'codecs'; items: CodecInfo[] }
  | { type: 'issue'; issue: ValidationIssue }
  | ({ type: 'finished' } & Finished)
  | { type: 'saveProgress'; done: number; total: number; text: string }
  | { type: 'saved'; directory: string; streamUrl: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };

export type ClientMessage =
  | { type: 'start'; url: string; duration: number; encrypted: boolean; media: boolean }
  | { type: 'cancel' }
  | { type: 'ping' }
  | { type: 'save'; directory: string; title: string };

const KEEPALIVE_MS = 30_000;

export interface ValidatorSocket {
  send(m: ClientMessage): void;
  close(): void;
}

/** Opens the socket; `onMessage` gets every parsed message, `onClose` the close code. */
export function openValidatorSocket(
  onMessage: (m: ServerMessage) => void,
  onOpen: () => void,
  onClose: (code: number) => void,
): ValidatorSocket {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/api/validate/socket`);
  let keepalive: ReturnType<typeof setInterval> | undefined;
  ws.addEventListener('open', () => {
    keepalive = setInterval(() => ws.send(JSON.stringify({ type: 'ping' })), KEEPALIVE_MS);
    onOpen();
  });
  ws.addEventListener('message', (e: MessageEvent<string>) => {
    try {
      onMessage(JSON.parse(e.data) as ServerMessage);
    } catch {
      /* not JSON: ignored */
    }
  });
  ws.addEventListener('close', (e) => {
    clearInterval(keepalive);
    onClose(e.code);
  });
  return {
    send: (m) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
    },
    close: () => ws.close(),
  };
}

/** The report of §3.2, built in the browser from the messages of one run. */
export function reportOf(input: {
  url: string;
  options: ValidationReport['options'];
  finished: Finished;
  codecs: CodecInfo[];
  issues: ValidationIssue[];
  manifests: ManifestDoc[];
}): ValidationReport {
  const first = input.manifests[0]?.text ?? '';
  const type = /<MPD[^>]*\stype="dynamic"/.test(first) ? 'dynamic' : first.includes('<MPD') ? 'static' : null;
  return {
    reportVersion: 1,
    url: input.url,
    startedAt: input.finished.startedAt,
    finishedAt: input.finished.finishedAt,
    aborted: input.finished.aborted,
    options: input.options,
    type,
    clockOffsetMs: null,
    summary: input.finished.summary,
    codecs: input.codecs,
    issues: input.issues,
  };
}
