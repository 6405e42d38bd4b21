/**
 * Device certificates for a simulated fleet, fast enough for a thousand devices.
 *
 * Why not deviceCert() from the cloud's test PKI: it makes a fresh RSA-2048 key per device and
 * signs with node-forge in JavaScript, 0.6 s of key generation and 0.12 s of signing a device at
 * load 3 (measured), all on the devices process's one thread, so the connects queued behind it:
 * 200 devices took 200 s at load 17. Here every simulated device shares one RSA-2048 key (made
 * once, natively, and cached with the test CA) and gets its own certificate (CN = its thing name,
 * a unique serial, clientAuth) signed by the CA with node:crypto, about 3 ms. The broker still
 * runs one full mutual-TLS handshake a device and takes each identity from its own certificate;
 * only the key pair behind the certificates is shared, which no broker or ACL looks at.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { ensureCache } from '../../cloud/test/support/pki.js';

export interface FleetCert {
  keyPem: string;
  certPem: string;
  caPem: string;
}

interface Issuer {
  caPem: string;
  caKeyPem: string;
  caSubject: forge.pki.CertificateField[];
  keyPem: string;
  publicKey: forge.pki.PublicKey;
}

let issuer: Issuer | undefined;

function load(): Issuer {
  const dir = ensureCache();
  const keyFile = join(dir, 'fleet-device.key');
  if (!existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const tmp = `${keyFile}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    renameSync(tmp, keyFile); // another process may have won the race: either key will do
  }
  const keyPem = readFileSync(keyFile, 'utf8');
  const caPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return {
    caPem,
    caKeyPem: readFileSync(join(dir, 'ca.key'), 'utf8'),
    caSubject: forge.pki.certificateFromPem(caPem).subject.attributes,
    keyPem,
    publicKey: forge.pki.setRsaPublicKey(key.n, key.e),
  };
}

/** A client certificate for `thingName` from the test CA, on the fleet's shared key. */
export function fleetCert(thingName: string): FleetCert {
  issuer ??= load();
  const { caPem, caKeyPem, caSubject, keyPem, publicKey } = issuer;
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 5 * 60_000);
  cert.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
  cert.setSubject([
    { name: 'commonName', value: thingName },
    { name: 'organizationName', value: 'SmartStock' },
  ]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  // forge builds the to-be-signed certificate and calls key.sign once it has; the signature itself is OpenSSL's
  const native = {
    sign: () => {
      const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
      return sign('sha256', tbs, caKeyPem).toString('binary');
    },
  };
  cert.sign(native as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert), caPem };
}
