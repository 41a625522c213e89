import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteLru } from '../../src/streaming/byte-lru.js';
import { corsHeaders } from '../../src/streaming/cors.js';

describe('segment cache', () => {
  it('keeps at most maxBytes, evicting the least recently used entry', () => {
    const lru = new ByteLru<Buffer>(10);
    lru.set('a', Buffer.alloc(4));
    lru.set('b', Buffer.alloc(4));
    assert.ok(lru.get('a'), 'reading a makes b the oldest');
    lru.set('c', Buffer.alloc(4));
    assert.equal(lru.get('b'), undefined);
    assert.ok(lru.get('a') && lru.get('c'));
    lru.set('huge', Buffer.alloc(11));
    assert.equal(lru.get('huge'), undefined, 'an entry larger than the cache is not kept');
    assert.ok(lru.get('a'), 'and evicts nothing');
  });
});

describe('streaming CORS', () => {
  it('allows any origin by default, a matching origin otherwise, and never credentials', () => {
    assert.equal(corsHeaders('*', 'http://a.test')['access-control-allow-origin'], '*');
    const only = /^https:\/\/player\.example$/;
    assert.equal(
      corsHeaders(only, 'https://player.example')['access-control-allow-origin'],
      'https://player.example',
    );
    assert.equal(corsHeaders(only, 'https://player.example')['vary'], 'Origin');
    assert.equal(corsHeaders(only, 'https://evil.example')['access-control-allow-origin'], undefined);
    assert.equal(
      corsHeaders('*', undefined, 'GET, HEAD, OPTIONS, POST')['access-control-allow-methods'],
      'GET, HEAD, OPTIONS, POST',
    );
    assert.equal(corsHeaders('*', undefined)['access-control-allow-credentials'], undefined);
  });
});
