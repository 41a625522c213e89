/**
 * The players benchmark's own parts (bench/support): a wrong percentile or a client that miscounts
 * bodies would print plausible but false figures, so they are checked against known answers.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KeepAliveConnection, type Answer } from './support/keepalive-connection.js';
import {
  latencyMax,
  latencyPercentile,
  mergeLatencies,
  newLatencyHistogram,
  recordLatency,
} from './support/latency-histogram.js';
import { TimerQueue } from './support/timer-queue.js';

describe('latency histogram', () => {
  it('reads percentiles off the bucket edges, erring high by at most one bucket', () => {
    const h = newLatencyHistogram();
    for (let i = 1; i <= 100; i++) recordLatency(h, i / 10); // 0.1 … 10 ms
    assert.equal(latencyPercentile(h, 50), 5.05);
    assert.equal(latencyPercentile(h, 99), 9.95);
    assert.equal(latencyMax(h), 10.05);
  });

  it('keeps slow answers in 1 ms buckets and clamps beyond 60 s', () => {
    const h = newLatencyHistogram();
    recordLatency(h, 250.4);
    assert.equal(latencyMax(h), 251);
    recordLatency(h, 3_600_000);
    assert.equal(latencyMax(h), 60_000);
  });

  it('merges workers and answers 0 when empty', () => {
    const a = newLatencyHistogram();
    const b = newLatencyHistogram();
    recordLatency(a, 1);
    recordLatency(b, 40);
    assert.equal(latencyPercentile(mergeLatencies([a, b]), 100), 40.05);
    assert.equal(latencyPercentile(newLatencyHistogram(), 99), 0);
  });
});

describe('timer queue', () => {
  it('runs callbacks in due-time order, whatever the order they were added in', async () => {
    const queue = new TimerQueue();
    const ran: number[] = [];
    const base = Date.now();
    for (const offset of [40, 5, 25, 5, 0, 60, 15]) queue.at(base + offset, () => ran.push(offset));
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.deepEqual(ran, [0, 5, 5, 15, 25, 40, 60]);
    assert.equal(queue.size, 0);
  });
});

describe('keep-alive connection', () => {
  let server: Server;
  let port = 0;
  let connections = 0;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/chunked') {
        res.write('x'.repeat(10)); // headers leave before the length is known: chunked
        return void res.end();
      }
      const size = Number(req.url!.slice(1));
      res.writeHead(size === 404 ? 404 : 200, { 'content-length': size });
      res.end(Buffer.alloc(size, 'a'));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (c: KeepAliveConnection, path: string, text = false) =>
    new Promise<{ error: string | null; answer: Answer | null }>((resolve) =>
      c.get(path, text, (error, answer) => resolve({ error, answer })),
    );

  it('counts bodies exactly over one connection, queued requests in order', async () => {
    const c = new KeepAliveConnection('127.0.0.1', port);
    const before = connections;
    const sizes = [0, 1, 70_000, 1_000_000, 3];
    const answers = await Promise.all(sizes.map((size) => get(c, `/${size}`)));
    assert.deepEqual(
      answers.map((a) => a.answer?.bytes),
      sizes,
    );
    assert.equal((await get(c, '/5', true)).answer?.text, 'aaaaa');
    assert.equal((await get(c, '/404')).answer?.status, 404);
    assert.equal(connections - before, 1);
    c.close();
  });

  it('reads a head split over several reads (the read buffer is reused between them)', async () => {
    const split = createTcpServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Le');
        setTimeout(() => socket.write('ngth: 3\r\n\r\nab'), 20);
        setTimeout(() => socket.write('c'), 40);
      });
    });
    await new Promise<void>((resolve) => split.listen(0, '127.0.0.1', resolve));
    const c = new KeepAliveConnection('127.0.0.1', (split.address() as AddressInfo).port);
    const { answer } = await get(c, '/', true);
    assert.equal(answer?.bytes, 3);
    assert.equal(answer?.text, 'abc');
    c.close();
    await new Promise<void>((resolve) => split.close(() => resolve()));
  });

  it('reports an answer without Content-Length as an error and recovers on a new connection', async () => {
    const c = new KeepAliveConnection('127.0.0.1', port);
    assert.equal((await get(c, '/chunked')).error, 'chunked answer');
    assert.equal((await get(c, '/7')).answer?.bytes, 7);
    c.close();
  });
});
