/**
 * Where a server on this machine is reached from elsewhere in the bar. One place decides it, because two
 * programs must agree: the cloud's embedded broker puts these names in its TLS certificate, and
 * `npm start` prints them in the URLs a technician gives a device. A name printed but not in the
 * certificate is a device that fails the TLS hostname check.
 */
import { isIP } from 'node:net';
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** The addresses that mean "every address of this machine": no one can connect to them. */
const EVERY_ADDRESS = new Set(['0.0.0.0', '::', '[::]', '::0', '0::0', '0:0:0:0:0:0:0:0']);
export const listensOnEveryAddress = (host: string): boolean => EVERY_ADDRESS.has(host.trim().toLowerCase());

/** A listening address only this machine reaches. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

const externalIpv4 = (interfaces: Interfaces): string[] =>
  Object.values(interfaces)
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === 'IPv4' && !address.internal)
    .map((address) => address.address);

/**
 * Where a technician elsewhere in the bar reaches this machine: its first non-internal IPv4 address
 * (no name service needed), else its host name.
 */
export function networkName(interfaces: Interfaces = networkInterfaces(), name: string = hostname()): string {
  return externalIpv4(interfaces)[0] ?? name;
}

/**
 * The host a device is told for a server listening on `serverHost`, when the stack's HTTP side listens
 * on `httpHost`: the network name when both listen on every address, the HTTP address when only the
 * server does (a stack opened on one chosen address), undefined when it stays as its own URL says
 * (a stack for this machine alone, or a server bound to an address of its own).
 */
export function advertisedHost(serverHost: string, httpHost: string, name: string = networkName()): string | undefined {
  if (isLoopback(httpHost) || !listensOnEveryAddress(serverHost)) return undefined;
  return listensOnEveryAddress(httpHost) ? name : httpHost.trim();
}

/**
 * The names a server listening on `serverHost` is reached by from another machine, for its certificate:
 * none on loopback; on every address, each non-internal IPv4 address (whichever networkName() picks, or a
 * technician's --host picks) and the host name, plus the HTTP side's chosen address; else the address itself.
 */
export function reachableNames(
  serverHost: string,
  httpHost: string,
  interfaces: Interfaces = networkInterfaces(),
  name: string = hostname(),
): string[] {
  if (isLoopback(serverHost)) return [];
  if (!listensOnEveryAddress(serverHost)) return [serverHost.trim()];
  const chosen = advertisedHost(serverHost, httpHost, networkName(interfaces, name));
  return [...new Set([...externalIpv4(interfaces), name, ...(chosen ? [chosen] : [])])];
}

/** A name a certificate can hold: a DNS host name (no wildcard) or an IP address. */
export function isCertificateName(name: string): boolean {
  if (isIP(name)) return true;
  return name.length <= 253 && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(name);
}
