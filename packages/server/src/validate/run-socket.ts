/**
 * One websocket of the web validator (validator.md §8.2): at most one run at a time, messages
 * rate-limited, progress and log batched to at most 10 messages a second each, the run cancelled
 * when the socket closes, and a run-time cap of `duration` + 120 s (§6.2).
 */
import { randomUUID } from 'node:crypto';
import type { Fetcher, ValidateOptions, ValidationReport, ValidatorEvents } from '@loopcast/dash';
import type { WebSocket } from 'ws';
import { parseClientMessage, startFieldErrors, type ServerMessage, type StartMessage } from './protocol.js';

export type ValidateFn = (
  opts: ValidateOptions,
  fetcher: Fetcher,
  events?: Partial<ValidatorEvents>,
) => Promise<ValidationReport>;

/** What the socket may ask of the server; the route supplies it per connection. */
export interface SocketDeps {
  validate: ValidateFn;
  /** A fresh fetcher for one run (address rule on). */
  fetcher(): Fetcher;
  /** Reserves a job slot: null when granted, else the seconds to wait (`busy`). */
  startJob(): number | null;
  endJob(): void;
  maxDurationS: number;
  concurrency: number;
  schemaPath?: string;
  /** §8.3; resolves with an error message to send, or null once handled. */
  save(
    message: { directory: string; title: string; url: string },
    send: (m: ServerMessage) => void,
    /** Aborted when the socket closes. */
    signal: AbortSignal,
  ): Promise<void>;
  log?: (text: string) => void;
  /** Called once per run with its outcome (metrics, app.md §14.3). */
  recordRun?: (result: RunResult) => void;
}

/** How a run ended: `clean` (no error), `errors`, `aborted` (cancelled) or `failed` (the checks threw). */
export type RunResult = 'clean' | 'errors' | 'aborted' | 'failed';

const FLUSH_MS = 100; // at most 10 progress and 10 log messages a second
const MESSAGES_PER_SECOND = 10;
const IDLE_MS = 10 * 60_000;
const RUN_GRACE_S = 120;
const MAX_MANIFEST_CHARS = 10 * 1024 * 1024;
/** Close code for a policy violation (RFC 6455 §7.4.1). */
export const POLICY_VIOLATION = 1008;

interface Run {
  id: string;
  controller: AbortController;
}

/** A text frame's payload as a string (ws hands over a Buffer, or fragments). */
function frameText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

export function attachValidatorSocket(socket: WebSocket, deps: SocketDeps): void {
  let run: Run | null = null;
  let finishedOnce = false;
  /** The URL of the last finished run: what `save` captures (§8.3). */
  let lastUrl = '';
  let saving = false;
  const closing = new AbortController();
  let windowStart = Date.now();
  let windowCount = 0;
  let idle: NodeJS.Timeout | undefined;

  const send = (m: ServerMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
  };
  const resetIdle = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (run === null) socket.close(1000, 'idle for 10 minutes');
      else resetIdle();
    }, IDLE_MS);
    idle.unref();
  };
  resetIdle();

  socket.on('close', () => {
    clearTimeout(idle);
    run?.controller.abort(new Error('the socket closed'));
    closing.abort(new Error('the socket closed'));
  });

  socket.on('message', (data, isBinary) => {
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      windowCount = 0;
    }
    if (++windowCount > MESSAGES_PER_SECOND) {
      socket.close(POLICY_VIOLATION, 'more than 10 messages a second');
      return;
    }
    resetIdle();
    if (isBinary) {
      send({ type: 'error', code: 'bad_request', message: 'Only text frames carrying JSON are accepted.' });
      return;
    }
    const parsed = parseClientMessage(frameText(data));
    if (!parsed.ok) {
      send({ type: 'error', code: 'bad_request', message: parsed.reason });
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'ping':
        send({ type: 'pong' });
        return;
      case 'cancel':
        if (run === null) send({ type: 'error', code: 'conflict', message: 'No run is in progress.' });
        else run.controller.abort(new Error('cancelled'));
        return;
      case 'start':
        start(message);
        return;
      case 'save':
        if (run !== null || !finishedOnce || saving) {
          send({ type: 'error', code: 'conflict', message: 'Save is possible after a finished run.' });
          return;
        }
        saving = true;
        void deps
          .save({ ...message, url: lastUrl }, send, closing.signal)
          .catch(() => {
            send({ type: 'error', code: 'internal', message: 'Saving failed.' });
          })
          .finally(() => (saving = false));
        return;
    }
  });

  function start(message: StartMessage): void {
    if (run !== null) {
      send({ type: 'error', code: 'conflict', message: 'A run is already in progress on this socket.' });
      return;
    }
    const fields = startFieldErrors(message, deps.maxDurationS);
    if (Object.keys(fields).length > 0) {
      send({ type: 'fieldErrors', fields });
      return;
    }
    const retryAfter = deps.startJob();
    if (retryAfter !== null) {
      send({ type: 'busy', retryAfter });
      return;
    }
    const current: Run = { id: randomUUID(), controller: new AbortController() };
    run = current;
    void execute(current, message).finally(() => {
      deps.endJob();
      run = null;
      finishedOnce = true;
      lastUrl = message.url.trim();
    });
  }

  async function execute(current: Run, message: StartMessage): Promise<void> {
    const startedAt = new Date().toISOString();
    send({ type: 'accepted', runId: current.id, startedAt });
    let errors = 0;
    let warnings = 0;
    let progress: Extract<ServerMessage, { type: 'progress' }> | null = null;
    let logs: Extract<ServerMessage, { type: 'log' }>['entries'] = [];
    const flush = (): void => {
      if (progress) send({ ...progress, errors, warnings });
      progress = null;
      if (logs.length > 0) send({ type: 'log', entries: logs });
      logs = [];
    };
    const ticker = setInterval(flush, FLUSH_MS);
    let capped = false;
    const cap = setTimeout(
      () => {
        capped = true;
        current.controller.abort(new Error('run time limit'));
      },
      (message.duration + RUN_GRACE_S) * 1000,
    );
    const events: Partial<ValidatorEvents> = {
      progress: (p) => {
        progress = { type: 'progress', ...p, errors, warnings };
      },
      log: (entry) => {
        logs.push(entry);
        if (logs.length > 1000) logs = logs.slice(-1000);
      },
      manifest: (m) => {
        if (m.text.length > MAX_MANIFEST_CHARS) return;
        flush();
        send({ type: 'manifest', ...m });
      },
      codecs: (items) => send({ type: 'codecs', items }),
      issue: (issue) => {
        if (issue.severity === 'error') errors++;
        else if (issue.severity === 'warning') warnings++;
        flush();
        send({ type: 'issue', issue });
      },
    };
    try {
      const report = await deps.validate(
        {
          url: message.url.trim(),
          duration: message.duration,
          encrypted: message.encrypted,
          media: message.media,
          concurrency: deps.concurrency,
          schemaPath: deps.schemaPath,
          signal: current.controller.signal,
        },
        deps.fetcher(),
        events,
      );
      if (capped) {
        logs.push({
          level: 'warn',
          text: 'The run reached its time limit (duration + 120 s).',
          at: new Date().toISOString(),
        });
      }
      flush();
      const aborted = report.aborted && !capped;
      deps.recordRun?.(aborted ? 'aborted' : report.summary.errors > 0 ? 'errors' : 'clean');
      send({
        type: 'finished',
        summary: report.summary,
        // A run limit ends the run with a warning, not as a cancellation (§6.2).
        aborted,
        startedAt: report.startedAt,
        finishedAt: report.finishedAt,
      });
    } catch (err) {
      deps.log?.(`validator run failed: ${err instanceof Error ? err.message : String(err)}`);
      deps.recordRun?.('failed');
      flush();
      send({
        type: 'error',
        code: 'internal',
        message: 'The validator failed unexpectedly; the server log has details.',
      });
    } finally {
      clearInterval(ticker);
      clearTimeout(cap);
    }
  }
}
