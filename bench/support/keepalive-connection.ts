/**
 * The load generator's HTTP/1.1 client: one keep-alive TCP connection, GET only, requests queued and
 * sent one at a time (no pipelining, like a browser's connection). It is deliberately small: the
 * players benchmark must measure the server, and node:http's client costs more per response than
 * the server's own handling. Bodies are counted, not kept, unless the caller asks for the text.
 *
 * Supports what loopcast answers with: a status line, headers, and a `Content-Length` body. A
 * chunked or length-less answer is reported as an error of its own kind rather than guessed at.
 */
import net from 'node:net';

export interface Answer {
  status: number;
  /** Body length in bytes. */
  bytes: number;
  /** The body as UTF-8 when the request asked for it. */
  text: string | null;
  /** From writing the request to the last body byte, in ms. */
  latencyMs: number;
}

export type AnswerCallback = (error: string | null, answer: Answer | null) => void;

interface Pending {
  head: Buffer;
  wantText: boolean;
  done: AnswerCallback;
}

const HEAD_END = Buffer.from('\r\n\r\n');
/**
 * Every connection of a thread reads into this one buffer (`onread`), so counting a body allocates
 * nothing: the bytes are looked at and dropped before the next read. What must outlive a read (an
 * unfinished head, a body kept as text) is copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const MAX_HEAD_BYTES = 16 * 1024;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:[ \t]*chunked/i;

export class KeepAliveConnection {
  private socket: net.Socket | null = null;
  private readonly queue: Pending[] = [];
  /** The request on the wire, with the parse state of its answer. */
  private current: Pending | null = null;
  private sentAt = 0;
  private headParts: Buffer[] = [];
  private headLength = 0;
  private status = 0;
  private remaining = -1;
  private bodyBytes = 0;
  private bodyParts: Buffer[] | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs = 10_000,
  ) {}

  get(path: string, wantText: boolean, done: AnswerCallback): void {
    const head = Buffer.from(
      `GET ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nAccept: */*\r\n\r\n`,
    );
    this.queue.push({ head, wantText, done });
    if (!this.current) this.sendNext();
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private sendNext(): void {
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    this.headParts = [];
    this.headLength = 0;
    this.remaining = -1;
    this.bodyBytes = 0;
    this.bodyParts = next.wantText ? [] : null;
    const socket = this.socket ?? this.connect();
    this.sentAt = performance.now();
    this.timer = setTimeout(() => this.fail('ETIMEDOUT'), this.timeoutMs);
    socket.write(next.head);
  }

  private connect(): net.Socket {
    const socket = net.connect({
      host: this.host,
      port: this.port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (size: number, buffer: Uint8Array): boolean => {
          if (this.socket === socket) this.onData(Buffer.from(buffer.buffer, buffer.byteOffset, size));
          return true;
        },
      },
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.socket === socket) this.fail(err.code ?? err.message);
    });
    socket.on('close', () => {
      // A socket this client already dropped (after an error or timeout) says nothing new.
      if (this.socket !== socket) return;
      this.socket = null;
      // The server may close an idle keep-alive connection; that is an error only mid-answer.
      if (this.current) this.fail('ECONNRESET');
    });
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    if (!this.current) return; // bytes nobody asked for: ignored, the next answer resynchronises
    let body = chunk;
    if (this.remaining < 0) {
      const head =
        this.headParts.length === 0
          ? chunk
          : Buffer.concat([...this.headParts, chunk], this.headLength + chunk.length);
      const end = head.indexOf(HEAD_END);
      if (end < 0) {
        this.headParts.push(Buffer.from(chunk)); // a copy: the read buffer is reused
        this.headLength += chunk.length;
        if (this.headLength > MAX_HEAD_BYTES) this.fail('head too long');
        return;
      }
      const headText = head.toString('latin1', 0, end);
      this.status = Number(headText.slice(9, 12));
      const length = CONTENT_LENGTH.exec(headText);
      if (!length) return this.fail(CHUNKED.test(headText) ? 'chunked answer' : 'no content-length');
      this.remaining = Number(length[1]);
      body = head.subarray(end + HEAD_END.length);
    }
    const take = Math.min(body.length, this.remaining);
    this.remaining -= take;
    this.bodyBytes += take;
    if (this.bodyParts && take > 0) this.bodyParts.push(Buffer.from(body.subarray(0, take)));
    if (this.remaining === 0) this.finish();
  }

  private finish(): void {
    const request = this.current!;
    const answer: Answer = {
      status: this.status,
      bytes: this.bodyBytes,
      text: this.bodyParts ? Buffer.concat(this.bodyParts).toString('utf8') : null,
      latencyMs: performance.now() - this.sentAt,
    };
    this.settle();
    request.done(null, answer);
  }

  private fail(kind: string): void {
    const request = this.current;
    this.socket?.destroy();
    this.socket = null;
    if (!request) return;
    this.settle();
    request.done(kind, null);
  }

  private settle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
    this.bodyParts = null;
    this.headParts = [];
    if (this.queue.length > 0) this.sendNext();
  }
}
