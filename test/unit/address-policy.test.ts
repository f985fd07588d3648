// HOOKLINE_ALLOWED_HOSTS: parsing, address classes, and the checks on a URL's host and a dialled address.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  classifyAddress, normaliseAddress, parseAllowedHosts, refusedAddress, refusedHost,
} from '../../src/domain/address-policy.js';

/** The hostname as a URL parser hands it over (IPv6 bracketed, numeric forms normalised). */
const hostOf = (url: string) => new URL(url).hostname;

describe('parseAllowedHosts', () => {
  test('keywords, host names, addresses and CIDRs, case- and space-insensitive', () => {
    const p = parseAllowedHosts(' External , PRIVATE,loopback, Hooks.Internal, 192.0.2.7, 10.1.0.0/16, fd00::/8 ,');
    assert.equal(p.external, true);
    assert.equal(p.private, true);
    assert.equal(p.loopback, true);
    assert.equal(p.any, false);
    assert.deepEqual([...p.hostNames], ['hooks.internal']);
    assert.equal(p.cidrs.check('10.1.2.3', 'ipv4'), true);
    assert.equal(p.cidrs.check('192.0.2.7', 'ipv4'), true);
    assert.equal(p.cidrs.check('fd00::1', 'ipv6'), true);
    assert.equal(parseAllowedHosts('*').any, true);
  });

  test('refuses anything else with a readable message', () => {
    const bad: Array<[string, RegExp]> = [
      ['bogus host', /"bogus host" is not external, private, loopback, \*, a host name or a CIDR/],
      ['*.example.com', /"\*\.example\.com" is not/],
      ['under_score', /"under_score" is not/],
      ['10.0.0.0/33', /"10.0.0.0\/33" is not a valid CIDR/],
      ['::1/129', /"::1\/129" is not a valid CIDR/],
      ['10.0.0.0/', /is not a valid CIDR/],
      ['example.com/8', /is not a valid CIDR/],
      ['10.0.0.0/8/8', /"10.0.0.0\/8\/8" is not a valid CIDR/],
      ['10.0.0.0/-1', /is not a valid CIDR/],
    ];
    for (const [source, message] of bad) assert.throws(() => parseAllowedHosts(source), message, source);
  });
});

describe('classifyAddress', () => {
  test('puts each address in its class', () => {
    const cases: Array<[string, string]> = [
      ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['::1', 'loopback'],
      ['10.0.0.1', 'private'], ['172.16.5.4', 'private'], ['172.31.255.255', 'private'], ['192.168.0.1', 'private'],
      ['100.64.0.1', 'private'], ['fc00::1', 'private'], ['fdff::1', 'private'],
      ['169.254.169.254', 'link-local'], ['fe80::1', 'link-local'], ['febf::1', 'link-local'],
      ['0.0.0.0', 'reserved'], ['224.0.0.1', 'reserved'], ['255.255.255.255', 'reserved'], ['::', 'reserved'], ['ff02::1', 'reserved'],
      ['8.8.8.8', 'external'], ['172.32.0.1', 'external'], ['2606:4700::1111', 'external'], ['1.1.1.1', 'external'],
    ];
    for (const [address, kind] of cases) assert.equal(classifyAddress(address), kind, address);
  });

  test('IPv4-mapped IPv6 is judged as the IPv4 address it carries, in dotted or hex form', () => {
    assert.equal(normaliseAddress('[::FFFF:10.0.0.1]'), '10.0.0.1');
    for (const [address, kind] of [
      ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:10.0.0.1', 'private'], ['::ffff:a00:1', 'private'],
      ['::ffff:169.254.1.1', 'link-local'], ['::ffff:a9fe:101', 'link-local'], ['::ffff:8.8.8.8', 'external'], ['::ffff:808:808', 'external'],
    ]) {
      assert.equal(classifyAddress(address), kind, address);
    }
  });

  test('IPv4-compatible and NAT64 IPv6 forms of internal addresses are not external', () => {
    for (const address of ['::7f00:1', '::127.0.0.1', '::a00:1', '64:ff9b::7f00:1']) {
      assert.notEqual(classifyAddress(address), 'external', address);
    }
  });
});

describe('refusedHost (a URL host, before DNS)', () => {
  const external = parseAllowedHosts('external');

  test('the default refuses loopback, private, link-local and reserved literals and localhost names', () => {
    const refused: Array<[string, string]> = [
      ['http://127.0.0.1/', 'loopback'], ['http://[::1]/', 'loopback'], ['http://localhost:3000/', 'loopback'],
      ['http://LOCALHOST./', 'loopback'], ['http://api.localhost/', 'loopback'],
      ['http://10.0.0.1/', 'private'], ['http://192.168.1.1/', 'private'], ['http://[fd00::1]/', 'private'],
      ['http://169.254.169.254/', 'link-local'], ['http://[fe80::1]/', 'link-local'],
      ['http://[::ffff:127.0.0.1]/', 'loopback'], ['http://[::ffff:192.168.0.1]/', 'private'],
      ['http://2130706433/', 'loopback'], ['http://0x7f.1/', 'loopback'], ['http://0177.0.0.1/', 'loopback'],
      ['http://0.0.0.0/', 'reserved'], ['http://[::]/', 'reserved'],
    ];
    for (const [url, kind] of refused) assert.equal(refusedHost(external, hostOf(url)), kind, url);
  });

  test('public literals and names pass (names are checked again after DNS)', () => {
    for (const url of ['https://example.com/', 'http://8.8.8.8/', 'http://[2606:4700::1111]/', 'http://10.example.com/', 'http://[::ffff:8.8.8.8]/']) {
      assert.equal(refusedHost(external, hostOf(url)), null, url);
    }
  });

  test('keywords, CIDRs, addresses and host names each admit exactly what they name', () => {
    const p = parseAllowedHosts('external,loopback,10.1.0.0/16,192.168.7.7,hooks.internal');
    assert.equal(refusedHost(p, '127.0.0.1'), null);
    assert.equal(refusedHost(p, 'localhost'), null);
    assert.equal(refusedHost(p, '10.1.200.3'), null);
    assert.equal(refusedHost(p, '10.2.0.1'), 'private');
    assert.equal(refusedHost(p, '192.168.7.7'), null);
    assert.equal(refusedHost(p, '192.168.7.8'), 'private');
    assert.equal(refusedHost(p, 'HOOKS.internal.'), null);
    assert.equal(refusedHost(p, hostOf('http://[::ffff:10.1.0.9]/')), null, 'mapped address inside an allowed CIDR');
    assert.equal(refusedHost(p, '169.254.1.1'), 'link-local');

    const privateOnly = parseAllowedHosts('private');
    assert.equal(refusedHost(privateOnly, '10.0.0.1'), null);
    assert.equal(refusedHost(privateOnly, '8.8.8.8'), 'external');
    assert.equal(refusedHost(privateOnly, '127.0.0.1'), 'loopback');

    const any = parseAllowedHosts('*');
    for (const host of ['127.0.0.1', 'localhost', '169.254.169.254', '0.0.0.0', '[::1]']) assert.equal(refusedHost(any, host), null, host);
  });
});

describe('refusedAddress (the address actually dialled)', () => {
  const external = parseAllowedHosts('external');

  test('judges resolved addresses, so a public name resolving inward is refused', () => {
    assert.equal(refusedAddress(external, '93.184.216.34', 'example.com'), null);
    assert.equal(refusedAddress(external, '127.0.0.1', 'evil.example.com'), 'loopback');
    assert.equal(refusedAddress(external, '10.0.0.8', 'evil.example.com'), 'private');
    assert.equal(refusedAddress(external, '::ffff:169.254.169.254', 'evil.example.com'), 'link-local');
    assert.equal(refusedAddress(external, 'not-an-address'), 'reserved');
  });

  test('an allowed host name admits whatever it resolves to; CIDRs match mapped addresses', () => {
    const p = parseAllowedHosts('external,hooks.internal,10.0.0.0/8');
    assert.equal(refusedAddress(p, '192.168.1.1', 'hooks.internal'), null);
    assert.equal(refusedAddress(p, '192.168.1.1', 'other.internal'), 'private');
    assert.equal(refusedAddress(p, '::ffff:10.9.9.9'), null);
    assert.equal(refusedAddress(p, '::ffff:a09:909'), null);
  });
});
