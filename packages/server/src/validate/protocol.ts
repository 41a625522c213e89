/**
 * The web validator's websocket messages (validator.md §8.2): one JSON object per text frame,
 * each with `type`. Client messages are parsed here; anything malformed is a `bad_request`.
 */
import type { CodecInfo, LogLevel, Phase, ValidationIssue, ValidationReport } from '@loopcast/dash';

export interface StartMessage {
  type: 'start';
  url: string;
  duration: number;
  encrypted: boolean;
  media: boolean;
}
export type ClientMessage =
  StartMessage | { type: 'cancel' } | { type: 'ping' } | { type: 'save'; directory: string; title: string };

export type FieldName = 'url' | 'duration' | 'directory' | 'title';

export type ServerMessage =
  | { type: 'accepted'; runId: string; startedAt: string }
  | { type: 'fieldErrors'; fields: Partial<Record<FieldName, string>> }
  | { type: 'busy'; retryAfter: number }
  | {
      type: 'progress';
      done: number;
      total: number;
      phase: Phase;
      text: string;
      errors: number;
      warnings: number;
    }
  | { type: 'log'; entries: { level: LogLevel; text: string; at: string }[] }
  | { type: 'manifest'; url: string; refresh: number; publishTime: string | null; text: string }
  | { type: 'codecs'; items: CodecInfo[] }
  | { type: 'issue'; issue: ValidationIssue }
  | {
      type: 'finished';
      summary: ValidationReport['summary'];
      aborted: boolean;
      startedAt: string;
      finishedAt: string;
    }
  | { type: 'saveProgress'; done: number; total: number; text: string }
  | { type: 'saved'; directory: string; streamUrl: string }
  | { type: 'pong' }
  | {
      type: 'error';
      code: 'forbidden' | 'login_required' | 'bad_request' | 'conflict' | 'internal';
      message: string;
    };

export type ParsedMessage = { ok: true; message: ClientMessage } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses one frame; field values are checked later (`startFieldErrors`), shapes here. */
export function parseClientMessage(text: string): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'a message must be one JSON object' };
  }
  if (!isRecord(value) || typeof value.type !== 'string') {
    return { ok: false, reason: 'a message must be a JSON object with a string "type"' };
  }
  switch (value.type) {
    case 'cancel':
    case 'ping':
      return { ok: true, message: { type: value.type } };
    case 'start': {
      const { url, duration, encrypted, media } = value;
      if (typeof url !== 'string') return { ok: false, reason: 'start: "url" must be a string' };
      if (typeof duration !== 'number') return { ok: false, reason: 'start: "duration" must be a number' };
      if (encrypted !== undefined && typeof encrypted !== 'boolean') {
        return { ok: false, reason: 'start: "encrypted" must be true or false' };
      }
      if (media !== undefined && typeof media !== 'boolean') {
        return { ok: false, reason: 'start: "media" must be true or false' };
      }
      return {
        ok: true,
        message: { type: 'start', url, duration, encrypted: encrypted ?? false, media: media ?? true },
      };
    }
    case 'save': {
      const { directory, title } = value;
      if (typeof directory !== 'string' || typeof title !== 'string') {
        return { ok: false, reason: 'save: "directory" and "title" must be strings' };
      }
      return { ok: true, message: { type: 'save', directory, title } };
    }
    default:
      return { ok: false, reason: `unknown message type "${value.type}"` };
  }
}

/** The field errors of a `start` (app.md §1: URLs ≤ 2048 characters; §8.1: duration 1 s – max). */
export function startFieldErrors(m: StartMessage, maxDurationS: number): Partial<Record<FieldName, string>> {
  const fields: Partial<Record<FieldName, string>> = {};
  const url = m.url.trim();
  if (url.length === 0) fields.url = 'Enter the manifest URL.';
  else if (url.length > 2048) fields.url = 'The URL must be at most 2048 characters.';
  else {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      fields.url = 'The URL must be an absolute http:// or https:// URL.';
    }
    if (parsed && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      fields.url = 'The URL must be an absolute http:// or https:// URL.';
    } else if (parsed && (parsed.username || parsed.password)) {
      fields.url = 'The URL must not carry a user name or password.';
    }
  }
  if (!Number.isFinite(m.duration) || m.duration < 1 || m.duration > maxDurationS) {
    fields.duration = `The duration must be a number of seconds from 1 to ${maxDurationS}.`;
  }
  return fields;
}
