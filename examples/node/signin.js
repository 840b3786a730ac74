#!/usr/bin/env node
// tollgate from Node.js: enrol a user's authenticator app, then sign them in.
//
//   npm ci
//   node signin.js --socket /abs/path/tollgate.sock
//
// The flow a backend goes through, against a running tollgate on its Unix
// socket (the same as examples/python/signin.py):
//   1. EnrollmentService.BeginTotp      -> a pending secret (shown as a QR code)
//   2. the user's authenticator app     -> here: RFC 6238 computed with node:crypto
//   3. EnrollmentService.ConfirmTotp    -> TOTP enabled, 8 recovery codes
//   4. ChallengeService.BeginChallenge  -> DECISION_CHALLENGE (password accepted)
//   5. VerifyChallenge, a wrong code    -> INVALID_ARGUMENT, reason CODE_MISMATCH
//   6. VerifyChallenge, the code used   -> FAILED_PRECONDITION, reason
//      in step 3 again                     CODE_ALREADY_USED (single use)
//   7. VerifyChallenge, a recovery code -> success, 7 recovery codes remaining
//
// The .proto files are loaded at run time with @grpc/proto-loader: no code
// generation. Exits 0 when every step answered as expected, 1 otherwise.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs, promisify } = require('node:util');

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

// tollgate's proto/ directory (two levels up), and this example's own
// minimal google/rpc/status.proto.
const PROTO_DIR = process.env.TOLLGATE_PROTO_DIR || path.resolve(__dirname, '..', '..', 'proto');
const LOCAL_PROTO_DIR = path.join(__dirname, 'proto');

// --- Copy these into your backend -------------------------------------------

const packageDefinition = protoLoader.loadSync(
  ['tollgate/v1/enrollment.proto', 'tollgate/v1/challenge.proto'],
  { includeDirs: [PROTO_DIR], keepCase: false, longs: String, enums: String, defaults: true },
);
const tollgate = grpc.loadPackageDefinition(packageDefinition).tollgate.v1;

// google.rpc.Status (the grpc-status-details-bin trailer) and ErrorInfo.
const errorTypes = (() => {
  const includeDirs = [LOCAL_PROTO_DIR, PROTO_DIR];
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const dir of includeDirs) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    return target; // google/protobuf/*.proto: protobufjs ships these
  };
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
  return {
    Status: root.lookupType('google.rpc.Status'),
    ErrorInfo: root.lookupType('google.rpc.ErrorInfo'),
  };
})();

// A client for one tollgate service on its Unix socket (an absolute path).
//
// No authority override is needed with grpc-js: for `unix:` targets it sends
// `localhost` as the HTTP/2 :authority (its UDS resolver's default
// authority), which tollgate accepts. C-core clients (Python, Ruby, PHP,
// C++) send the socket path instead and need
// grpc.default_authority=localhost; with grpc-js that channel option is
// accepted too and changes nothing, so keep it if you share settings.
function tollgateClient(Service, socketPath) {
  return new Service(`unix://${socketPath}`, grpc.credentials.createInsecure());
}

// The google.rpc.ErrorInfo tollgate attached to a failed call, or null.
function errorInfo(err) {
  const [raw] = (err && err.metadata && err.metadata.get('grpc-status-details-bin')) || [];
  if (!raw) return null;
  const status = errorTypes.Status.decode(raw);
  for (const detail of status.details) {
    if (detail.type_url.endsWith('/google.rpc.ErrorInfo')) {
      return errorTypes.ErrorInfo.toObject(errorTypes.ErrorInfo.decode(detail.value));
    }
  }
  return null;
}

// The stable reason of a tollgate error ("CODE_MISMATCH", ...), or null.
// Branch on this, never on the message text.
function errorReason(err) {
  const info = errorInfo(err);
  return info ? info.reason : null;
}

// --- The user's authenticator app, for this example only --------------------

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.toUpperCase().replace(/=+$/, '')) {
    const index = alphabet.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
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

// RFC 6238 (HOTP of the time step, RFC 4226), as an authenticator app computes it.
function totp(secretBase32, step, digits = 6, algorithm = 'TOTP_ALGORITHM_SHA1') {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac(DIGESTS[algorithm] || 'sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 10 ** digits).padStart(digits, '0');
}

// --- The example --------------------------------------------------------------

class ExampleFailed extends Error {}

function unary(client, method) {
  const call = promisify(client[method].bind(client));
  return (request) => call(request, { deadline: Date.now() + 10_000 });
}

async function expectFailure(what, promise, expectedReason) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  if (!err) throw new ExampleFailed(`${what}: succeeded, expected ${expectedReason}`);
  const reason = errorReason(err);
  console.log(`${what}: ${grpc.status[err.code]} ${reason} (${err.details})`);
  if (reason !== expectedReason) {
    throw new ExampleFailed(`${what}: expected reason ${expectedReason}, got ${reason} (${err.message})`);
  }
  return err;
}

async function run(socketPath, tenantId, userId) {
  const enrollment = tollgateClient(tollgate.EnrollmentService, socketPath);
  const challenges = tollgateClient(tollgate.ChallengeService, socketPath);
  const ids = { tenantId, userId };
  try {
    // 1. Enrolment starts: show begun.qrPng (or qrSvg) to the user.
    const begun = await unary(enrollment, 'BeginTotp')({ ...ids, accountName: `${userId}@example.com` });
    const period = Number(begun.period && begun.period.seconds) || 30;
    console.log(`BeginTotp: ${begun.otpauthUri.split('?')[0]}, ${begun.digits} digits, every ${period}s`);

    // 2. The user's app shows the code for the current time step.
    const step = Math.floor(Date.now() / 1000 / period);
    const code = totp(begun.secretBase32, step, begun.digits, begun.algorithm);

    // 3. The user types it in: TOTP is enabled; show the recovery codes once.
    const confirmed = await unary(enrollment, 'ConfirmTotp')({ ...ids, code });
    if (confirmed.state !== 'TOTP_STATE_ENABLED' || confirmed.recoveryCodes.length === 0) {
      throw new ExampleFailed(`ConfirmTotp: unexpected answer ${JSON.stringify(confirmed)}`);
    }
    console.log(`ConfirmTotp: ${confirmed.state}, ${confirmed.recoveryCodes.length} recovery codes`);

    // 4. Later, the user signs in: the password was accepted, ask tollgate.
    const client = { clientIp: '127.0.0.1', userAgent: 'signin.js' };
    const challenge = await unary(challenges, 'BeginChallenge')({ ...ids, ...client });
    console.log(`BeginChallenge: ${challenge.decision}`);
    if (challenge.decision !== 'DECISION_CHALLENGE') {
      throw new ExampleFailed(`BeginChallenge: expected DECISION_CHALLENGE, got ${challenge.decision}`);
    }
    const verify = (method, answer) =>
      unary(challenges, 'VerifyChallenge')({ ...ids, ...client, challengeId: challenge.challengeId, method, code: answer });

    // 5. A typo: a well-formed code that matches no step the server accepts.
    const near = new Set();
    for (let s = step - 3; s <= step + 3; s++) near.add(totp(begun.secretBase32, s, begun.digits, begun.algorithm));
    let n = 0;
    while (near.has(String(n).padStart(begun.digits, '0'))) n++;
    const wrong = String(n).padStart(begun.digits, '0');
    const err = await expectFailure('VerifyChallenge (wrong code)', verify('METHOD_TOTP', wrong), 'CODE_MISMATCH');
    console.log(`  attempts_left: ${errorInfo(err).metadata.attempts_left}`);

    // 6. The code that confirmed enrolment is still inside the accepted
    //    window, but its time step was spent by ConfirmTotp: each step is
    //    accepted once per user, so this is a replay.
    await expectFailure('VerifyChallenge (code already used)', verify('METHOD_TOTP', code), 'CODE_ALREADY_USED');

    // 7. "Try another way": a recovery code (any case, dash optional).
    const verified = await verify('METHOD_RECOVERY_CODE', confirmed.recoveryCodes[0]);
    console.log(
      `VerifyChallenge (recovery code): OK, methods ${JSON.stringify(verified.methodsUsed)}, ` +
        `recoveryCodesRemaining=${verified.recoveryCodesRemaining}`,
    );
    if (verified.recoveryCodesRemaining !== confirmed.recoveryCodes.length - 1) {
      throw new ExampleFailed('VerifyChallenge: expected one recovery code fewer');
    }
  } finally {
    enrollment.close();
    challenges.close();
  }
}

async function main() {
  let args;
  try {
    ({ values: args } = parseArgs({
      options: {
        socket: { type: 'string' },
        tenant: { type: 'string', default: '' },
        user: { type: 'string', default: `node-example-${crypto.randomBytes(4).toString('hex')}` },
      },
    }));
  } catch (e) {
    console.error(`signin.js: ${e.message}`);
    return 2;
  }
  if (!args.socket || !path.isAbsolute(args.socket)) {
    console.error('usage: node signin.js --socket /abs/path/tollgate.sock [--tenant T] [--user U]');
    console.error('--socket must be an absolute path (unix:///abs/path.sock)');
    return 2;
  }
  try {
    await run(args.socket, args.tenant, args.user);
  } catch (e) {
    if (e instanceof ExampleFailed) {
      console.error(`FAIL: ${e.message}`);
    } else if (e && typeof e.code === 'number') {
      console.error(`FAIL: unexpected gRPC error ${grpc.status[e.code]}: ${e.details} (reason ${errorReason(e)})`);
    } else {
      console.error(`FAIL: ${e && e.stack ? e.stack : e}`);
    }
    return 1;
  }
  console.log(`signin.js: the whole flow worked for user '${args.user}'`);
  return 0;
}

main().then((code) => {
  process.exitCode = code;
});
