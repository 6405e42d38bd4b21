import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { advertisedHost, isCertificateName, isLoopback, networkName, reachableNames } from '../src/network.js';

const address = (address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo =>
  family === 'IPv4'
    ? { address, family, internal, netmask: '255.255.255.0', mac: '', cidr: null }
    : { address, family, internal, netmask: 'ffff::', mac: '', cidr: null, scopeid: 0 };
const interfaces = {
  lo: [address('127.0.0.1', 'IPv4', true), address('::1', 'IPv6', true)],
  eth0: [address('fe80::2', 'IPv6', false), address('192.168.1.23', 'IPv4', false)],
  wlan0: [address('10.0.0.7', 'IPv4', false)],
};

/** What the broker's certificate must hold is what `npm start` may tell a device: one rule for both. */
describe('the names a server on this machine is reached by', () => {
  it('are none on loopback, whatever the HTTP side does', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.1.1']) {
      expect(isLoopback(host), host).toBe(true);
      expect(reachableNames(host, '0.0.0.0', interfaces, 'backbar-pc')).toEqual([]);
    }
    expect(isLoopback('0.0.0.0')).toBe(false);
  });

  it("are, on every address, each of the machine's IPv4 addresses and its host name", () => {
    expect(reachableNames('0.0.0.0', '127.0.0.1', interfaces, 'backbar-pc')).toEqual(['192.168.1.23', '10.0.0.7', 'backbar-pc']);
    expect(reachableNames('::', '0.0.0.0', { lo: interfaces.lo }, 'backbar-pc')).toEqual(['backbar-pc']);
    // a stack opened on a name of its own (--host backbar.example) advertises that name for the broker too
    expect(reachableNames('0.0.0.0', 'backbar.example', interfaces, 'backbar-pc')).toEqual([
      '192.168.1.23',
      '10.0.0.7',
      'backbar-pc',
      'backbar.example',
    ]);
  });

  it("is, for a person, the machine's first non-internal IPv4 address, else its host name", () => {
    expect(networkName({ docker0: [address('fe80::1', 'IPv6', false)], ...interfaces }, 'backbar-pc')).toBe('192.168.1.23');
    expect(networkName({ lo: interfaces.lo }, 'backbar-pc')).toBe('backbar-pc');
  });

  it('is the address itself for a server bound to one', () => {
    expect(reachableNames('10.0.0.7', '0.0.0.0', interfaces, 'backbar-pc')).toEqual(['10.0.0.7']);
  });

  it('advertises the network name, the chosen HTTP address, or nothing', () => {
    expect(networkName(interfaces, 'backbar-pc')).toBe('192.168.1.23');
    expect(advertisedHost('0.0.0.0', '0.0.0.0', '192.168.1.23')).toBe('192.168.1.23');
    expect(advertisedHost('0.0.0.0', '10.0.0.7', '192.168.1.23')).toBe('10.0.0.7');
    expect(advertisedHost('0.0.0.0', '127.0.0.1', '192.168.1.23')).toBeUndefined();
    expect(advertisedHost('10.0.0.7', '0.0.0.0', '192.168.1.23')).toBeUndefined();
  });

  it('accepts host names and IP addresses for a certificate, nothing else', () => {
    for (const name of ['backbar-pc', 'backbar-pc.lan', '192.168.1.23', 'fd00::2']) expect(isCertificateName(name), name).toBe(true);
    for (const name of ['', 'bar pc', 'mqtts://backbar-pc', '*.lan', '-pc', 'pc:8883', '[fd00::2]'])
      expect(isCertificateName(name), name).toBe(false);
  });
});
