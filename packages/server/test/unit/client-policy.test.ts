import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { daapClientPolicy, isLocalNetworkAddress } from '../../src/music/client-policy.js';

describe('DAAP client policy', () => {
  it('treats loopback, private and link-local addresses as local', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.9',
      '172.31.255.1',
      '192.168.1.20',
      '169.254.3.4',
      '::1',
      'fd12:3456::1',
      'fe80::1%eth0',
      '::ffff:192.168.0.5',
    ]) {
      assert.equal(isLocalNetworkAddress(a), true, a);
    }
    for (const a of [
      '8.8.8.8',
      '172.32.0.1',
      '100.64.0.1',
      '2001:db8::1',
      '::ffff:1.2.3.4',
      'not-an-address',
    ]) {
      assert.equal(isLocalNetworkAddress(a), false, a);
    }
  });

  it('restricts only a password-less share that is not opened', () => {
    assert.equal(daapClientPolicy({ open: false })?.('8.8.8.8'), false);
    assert.equal(daapClientPolicy({ open: false })?.('192.168.0.2'), true);
    assert.equal(daapClientPolicy({ open: true }), undefined);
    assert.equal(daapClientPolicy({ password: 'secret', open: false }), undefined);
  });
});
