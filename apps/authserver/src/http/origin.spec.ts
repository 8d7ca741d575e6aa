import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { originResolver, sourceKey } from './origin.js';

const request = (remoteAddress: string, forwarded?: string) =>
  ({ socket: { remoteAddress }, headers: { 'user-agent': 'ua', ...(forwarded ? { 'x-forwarded-for': forwarded } : {}) } }) as unknown as IncomingMessage;

describe('originResolver', () => {
  it('believes X-Forwarded-For only from a trusted proxy, taking the right-most untrusted hop', () => {
    const originOf = originResolver(['10.0.0.2', '10.0.0.3']);
    assert.equal(originOf(request('203.0.113.7', '198.51.100.1')).ipAddress, '203.0.113.7', 'a client cannot choose its address');
    assert.equal(originOf(request('::ffff:10.0.0.2', 'spoofed, 198.51.100.1, 10.0.0.3')).ipAddress, '198.51.100.1');
    assert.equal(originOf(request('10.0.0.2')).ipAddress, '10.0.0.2', 'no header: the proxy itself');
  });

  it('counts IPv6 clients by their /64', () => {
    assert.equal(sourceKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(sourceKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(sourceKey('::1'), '0:0:0:0::/64');
    assert.equal(sourceKey('192.0.2.1'), '192.0.2.1');
  });
});
