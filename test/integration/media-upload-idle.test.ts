/**
 * A stalled upload is stopped (app.md §15: a body idle for 30 s is answered 408): the watch the
 * upload routes put on the request destroys the upload's source after the idle time, not while
 * bytes keep arriving, and a disconnect before the body is complete destroys it at once. Driven
 * with a short idle time so it runs in milliseconds.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { BodyIdleError, abortOnDisconnect } from '../../packages/server/src/upload/multipart.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeRequest(): { request: Pick<FastifyRequest, 'raw'>; raw: EventEmitter & { complete: boolean } } {
  const raw = Object.assign(new EventEmitter(), { complete: false });
  return { request: { raw } as unknown as Pick<FastifyRequest, 'raw'>, raw };
}

describe('upload idle and disconnect watch', () => {
  it('keeps a flowing upload and stops a stalled one with BodyIdleError', async () => {
    const { request, raw } = fakeRequest();
    const source = new PassThrough();
    let error: unknown = null;
    source.on('error', (e) => (error = e));
    abortOnDisconnect(request, source, 60);
    for (let i = 0; i < 8; i++) {
      await wait(20);
      raw.emit('data', Buffer.alloc(1));
    }
    assert.equal(source.destroyed, false, 'bytes kept arriving');
    await wait(150);
    assert.equal(source.destroyed, true);
    assert.ok(error instanceof BodyIdleError, String(error));
  });

  it('destroys the source when the client goes away before the end, not after a complete body', async () => {
    const cut = fakeRequest();
    const a = new PassThrough();
    a.on('error', () => undefined);
    abortOnDisconnect(cut.request, a, 10_000);
    cut.raw.emit('close');
    assert.equal(a.destroyed, true);

    const whole = fakeRequest();
    const b = new PassThrough();
    abortOnDisconnect(whole.request, b, 50);
    whole.raw.complete = true;
    whole.raw.emit('end');
    whole.raw.emit('close');
    await wait(100);
    assert.equal(b.destroyed, false, 'a finished body is left alone');
  });
});
