// Test support: a real tollgate server (the binary named by TOLLGATE_BIN) in a
// fresh temporary directory, on its Unix socket and, when asked, on a loopback
// TCP port with TLS (certificates made with openssl for the test); API keys
// from `tollgate api-key create`; and an authenticator app (RFC 6238 with
// node:crypto) to answer with.
'use strict';

const assert = require('node:assert/strict');
const { execFile, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { promisify } = require('node:util');

const run = promisify(execFile);

/** The tollgate binary, from TOLLGATE_BIN (required: these tests need a real server). */
function tollgateBin() {
  const bin = process.env.TOLLGATE_BIN;
  assert.ok(bin, 'set TOLLGATE_BIN to a tollgate binary (cargo build --bin tollgate)');
  return path.resolve(bin);
}

/**
 * A throwaway CA, a server certificate for localhost and 127.0.0.1, a client
 * certificate the CA signed, and a second CA that signed neither, in `dir`.
 * Returns the files' paths.
 */
async function makeCertificates(dir) {
  const file = (name) => path.join(dir, name);
  const openssl = (...args) => run('openssl', args, { cwd: dir });
  const ca = async (name, subject) => {
    await openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`), '-days', '2', '-subj', subject,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  };
  const leaf = async (name, subject, extensions) => {
    await openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
    fs.writeFileSync(file(`${name}.ext`), extensions);
    await openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
      '-CAcreateserial', '-out', file(`${name}.pem`), '-days', '2', '-extfile', file(`${name}.ext`));
  };
  await ca('ca', '/CN=tollgate test CA');
  await ca('other-ca', '/CN=a CA nobody trusts');
  await leaf('server', '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await leaf('client', '/CN=web-backend',
    'subjectAltName=DNS:web-backend\nextendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  return {
    ca: file('ca.pem'),
    otherCa: file('other-ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
  };
}

/**
 * Starts `tollgate serve` on a fresh SQLite database and a Unix socket, and
 * with `tcp` on 127.0.0.1 (a port the server picks) with TLS; `mutualTls`
 * makes client certificates required. Resolves once the server said it is
 * serving on each listener (its JSON log), with:
 *   socket, address ("127.0.0.1:PORT" or null), certs, dir,
 *   createApiKey(name, permissions = ['sign_in']) -> the key,
 *   stop() -> SIGTERM, then waits for the exit and removes the directory.
 */
async function startServer({ tcp = false, mutualTls = false } = {}) {
  const bin = tollgateBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-node-client-'));
  const socket = path.join(dir, 'tollgate.sock');
  const databaseUrl = `sqlite://${path.join(dir, 'tollgate.db')}`;
  const certs = tcp ? await makeCertificates(dir) : null;
  const args = ['serve', '--database-url', databaseUrl, '--socket', socket, '--log-format', 'json'];
  if (tcp) {
    args.push('--listen', '127.0.0.1:0', '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey);
    if (mutualTls) args.push('--tls-client-ca-file', certs.ca);
  } else {
    args.push('--listen', 'off');
  }
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const log = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  // The server logs one line per listener once it serves; the TCP line names the port.
  let address = null;
  const lines = readline.createInterface({ input: child.stderr });
  const serving = new Promise((resolve, reject) => {
    let waitingFor = tcp ? 2 : 1;
    lines.on('line', (line) => {
      log.push(line);
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      const fields = entry.fields || entry;
      if (fields.message === 'serving gRPC on a Unix socket') waitingFor -= 1;
      if (fields.message === 'serving gRPC on TCP') {
        address = fields.addr;
        waitingFor -= 1;
      }
      if (waitingFor === 0) resolve();
    });
    exited.then(({ code, signal }) =>
      reject(new Error(`tollgate exited at start (${code ?? signal}):\n${log.slice(-20).join('\n')}`)));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    await serving;
  } finally {
    clearTimeout(timer);
  }

  return {
    socket,
    address,
    certs,
    dir,
    log,
    async createApiKey(name, permissions = ['sign_in'], tenants = ['*']) {
      const keyArgs = ['api-key', 'create', '--name', name, '--database-url', databaseUrl];
      for (const permission of permissions) keyArgs.push('--permission', permission);
      for (const tenant of tenants) keyArgs.push('--tenant', tenant);
      const { stdout } = await run(bin, keyArgs);
      return stdout.trim();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- The user's authenticator app ---------------------------------------------------------

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.toUpperCase().replace(/=+$/, '')) {
    const index = alphabet.indexOf(ch);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

const DIGESTS = { TOTP_ALGORITHM_SHA1: 'sha1', TOTP_ALGORITHM_SHA256: 'sha256', TOTP_ALGORITHM_SHA512: 'sha512' };

/** RFC 6238: the code for time step `step` of a BeginTotp answer. */
function totp(begun, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto
    .createHmac(DIGESTS[begun.algorithm] || 'sha1', base32Decode(begun.secretBase32))
    .update(counter)
    .digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 10 ** begun.digits).padStart(begun.digits, '0');
}

/** The current time step of a BeginTotp answer. */
function currentStep(begun) {
  return Math.floor(Date.now() / 1000 / (begun.period?.seconds || 30));
}

/** A well-formed code that matches no step the server accepts now. */
function wrongCode(begun) {
  const step = currentStep(begun);
  const near = new Set();
  for (let s = step - 3; s <= step + 3; s++) near.add(totp(begun, s));
  let n = 0;
  while (near.has(String(n).padStart(begun.digits, '0'))) n++;
  return String(n).padStart(begun.digits, '0');
}

/** A user id no other test uses. */
function newUser(prefix = 'user') {
  return `${prefix}-${crypto.randomBytes(5).toString('hex')}`;
}

/**
 * Enrols a new user's authenticator app through `client`: BeginTotp, then
 * ConfirmTotp with the current code. Returns { userId, tenantId, begun,
 * confirmed, step, code } (the step and code ConfirmTotp spent).
 */
async function enrolTotp(client, { tenantId = '', userId = newUser() } = {}) {
  const begun = await client.enrollment.beginTotp({ tenantId, userId, accountName: `${userId}@example.com` });
  const step = currentStep(begun);
  const code = totp(begun, step);
  const confirmed = await client.enrollment.confirmTotp({ tenantId, userId, code });
  return { tenantId, userId, begun, confirmed, step, code };
}

/** Asserts that `promise` rejects with an instance of `ErrorClass`, and returns the error. */
async function rejection(promise, ErrorClass) {
  try {
    await promise;
  } catch (error) {
    assert.ok(
      error instanceof ErrorClass,
      `expected ${ErrorClass.name}, got ${error && error.name}: ${error && error.message} (reason ${error && error.reason})`,
    );
    return error;
  }
  assert.fail(`expected ${ErrorClass.name}, but the call succeeded`);
}

module.exports = {
  currentStep,
  enrolTotp,
  newUser,
  rejection,
  startServer,
  totp,
  wrongCode,
};
