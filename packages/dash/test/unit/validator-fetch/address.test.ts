/** validator.md §6.1: the address classifier and the URL rule, with the spec's bypass set. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalAddress, classifyAddress } from '../../../src/validator/fetch/address.js';
import { createAddressRule } from '../../../src/validator/fetch/policy.js';
import { portAllowed } from '../../../src/validator/fetch/ports.js';

describe('classifyAddress', () => {
  const table: [string, string][] = [
    ['8.8.8.8', 'global'],
    ['93.184.216.34', 'global'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'global'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.1', 'global'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['[::1]', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'reserved'],
    ['ff02::1', 'multicast'],
    ['2606:4700::1111', 'global'],
    ['2001:db8::1', 'reserved'],
    // IPv4 embedded in IPv6 is classified by the IPv4 address
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'global'],
    ['::127.0.0.1', 'loopback'],
    ['::a00:1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::808:808', 'global'],
    ['64:ff9b:1:7f00:0:100::', 'loopback'], // RFC 6052 /48 layout: 127.0 | u | 0.1
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:808:808::1', 'global'],
    ['2001:0:808:808::80ff:fffe', 'loopback'], // Teredo client 127.0.0.1 (inverted)
    ['2001:0:808:808::f7f7:f7f7', 'global'],
    ['not-an-ip', 'invalid'],
  ];
  for (const [address, expected] of table) {
    it(`${address} is ${expected}`, () => assert.equal(classifyAddress(address), expected));
  }

  it('canonical forms compare mapped and plain IPv4 as equal', () => {
    assert.equal(canonicalAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(canonicalAddress('::ffff:7f00:1'), '127.0.0.1');
    assert.equal(canonicalAddress('0:0::1'), '0:0:0:0:0:0:0:1');
  });
});

describe('ports', () => {
  it('allows 80, 443 and 1024–65535 minus Fetch bad ports', () => {
    for (const p of [80, 443, 1024, 5000, 8080, 65535]) assert.equal(portAllowed(p), true, String(p));
    for (const p of [0, 21, 22, 25, 81, 1023, 2049, 6000, 6667, 10080, 65536])
      assert.equal(portAllowed(p), false, String(p));
  });
});

describe('address rule', () => {
  const rule = createAddressRule({});
  /** A URL as the user typed it: the URL parser turns numeric forms into dotted IPv4. */
  const refused = (text: string): boolean => {
    const url = new URL(text);
    const verdict = rule.checkUrl(url);
    if (!verdict.ok) return true;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return rule.checkAddress(host, Number(url.port || 80), verdict.exempt) !== null;
  };

  for (const text of [
    'http://2130706433:8080/',
    'http://0x7f.1:8080/',
    'http://127.1:8080/',
    'http://0:8080/',
    'http://[::ffff:7f00:1]:8080/',
    'http://[::]:8080/',
    'http://[::1]:8080/',
    'http://[64:ff9b::7f00:1]:8080/',
    'http://[2002:7f00:1::]:8080/',
    'http://[fe80::1]:8080/',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.1:8080/',
    'http://8.8.8.8:22/',
    'http://8.8.8.8:6000/',
    'http://user:pw@8.8.8.8/',
    'ftp://8.8.8.8/',
  ]) {
    it(`refuses ${text}`, () => assert.equal(refused(text), true));
  }
  it('allows a global address on an allowed port', () => {
    assert.equal(refused('http://8.8.8.8:8080/x.mpd'), false);
    assert.equal(refused('https://[2606:4700::1111]/x.mpd'), false);
  });

  it('exempts only the exact public origin', () => {
    const pub = createAddressRule({ publicOrigin: 'https://dash.example.org' });
    assert.deepEqual(pub.checkUrl(new URL('https://dash.example.org/dash/x.mpd')), {
      ok: true,
      exempt: true,
    });
    assert.deepEqual(pub.checkUrl(new URL('http://dash.example.org/dash/x.mpd')), {
      ok: true,
      exempt: false,
    });
    assert.deepEqual(pub.checkUrl(new URL('https://dash.example.org:8443/x.mpd')), {
      ok: true,
      exempt: false,
    });
  });

  it('exempts the local endpoint of the page request only at that address and port', () => {
    const local = createAddressRule({ localEndpoint: { address: '::ffff:127.0.0.1', port: 40000 } });
    assert.equal(local.checkAddress('127.0.0.1', 40000, false), null);
    assert.notEqual(local.checkAddress('127.0.0.1', 40001, false), null);
    assert.notEqual(local.checkAddress('127.0.0.2', 40000, false), null);
  });

  it('matches allow-hosts against the whole lower-cased name, never an IP literal', () => {
    const allow = createAddressRule({ allowHosts: /cdn\.lab/ });
    assert.deepEqual(allow.checkUrl(new URL('http://CDN.lab:8080/')), { ok: true, exempt: true });
    assert.deepEqual(allow.checkUrl(new URL('http://cdn.lab.evil.com:8080/')), { ok: true, exempt: false });
    const ipAllow = createAddressRule({ allowHosts: /.*/ });
    assert.deepEqual(ipAllow.checkUrl(new URL('http://127.0.0.1:8080/')), { ok: true, exempt: false });
  });

  it('private=allow lifts the address rule but not the port rule', () => {
    const lab = createAddressRule({ allowPrivate: true });
    assert.deepEqual(lab.checkUrl(new URL('http://127.0.0.1:8080/')), { ok: true, exempt: true });
    assert.equal(lab.checkUrl(new URL('http://127.0.0.1:25/')).ok, false);
  });
});
