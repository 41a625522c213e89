/**
 * One HTTP/1.1 GET over a plain socket, keeping the exact size of the response head: wrk counts
 * head and body bytes together, so the bench needs the head size to turn wrk's byte count into a
 * per-response body length check.
 */
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  headBytes: number;
  body: Buffer;
}

export function rawGet(origin: string, path: string, timeoutMs = 10_000): Promise<RawResponse> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    let received = 0;
    let head: { status: number; headers: Record<string, string>; headBytes: number; length: number } | null =
      null;
    const timer = setTimeout(() => socket.destroy(new Error(`no complete answer for ${path}`)), timeoutMs);
    const done = (err: Error | null, value?: RawResponse) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    socket.on('error', (err) => done(err));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      const all = Buffer.concat(chunks, received);
      if (!head) {
        const end = all.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = all.toString('latin1', 0, end).split('\r\n');
        const status = Number(lines[0]?.split(' ')[1]);
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length']);
        if (!Number.isSafeInteger(length)) return done(new Error(`${path}: no content-length`));
        head = { status, headers, headBytes: end + 4, length };
      }
      if (all.length >= head.headBytes + head.length) {
        done(null, {
          status: head.status,
          headers: head.headers,
          headBytes: head.headBytes,
          body: all.subarray(head.headBytes, head.headBytes + head.length),
        });
      }
    });
    socket.on('end', () => done(new Error(`${path}: connection closed before the whole answer`)));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
  });
}
