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
// The calls go through @tollgate/client (clients/node in this repository):
// typed, promise-based, and failing with one error class per reason.
// Exits 0 when every step answered as expected, 1 otherwise.
'use strict';

const crypto = require('node:crypto');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { connect, CodeAlreadyUsedError, CodeMismatchError, Method, TollgateError } = require('@tollgate/client');

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

// Awaits a call that must fail with ErrorClass (a reason's class), and returns the error.
async function expectFailure(what, promise, ErrorClass) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  if (!err) throw new ExampleFailed(`${what}: succeeded, expected ${ErrorClass.reason}`);
  if (!(err instanceof ErrorClass)) {
    if (!(err instanceof TollgateError)) throw err;
    throw new ExampleFailed(`${what}: expected ${ErrorClass.name}, got ${err.name} (reason ${err.reason}: ${err.message})`);
  }
  console.log(`${what}: ${err.codeName} ${err.reason} (${err.message})`);
  return err;
}

async function run(socketPath, tenantId, userId) {
  // One client for all of tollgate's services. No authority override is
  // needed: for `unix:` targets grpc-js sends `localhost` as the HTTP/2
  // :authority, which tollgate accepts (C-core clients send the path).
  const tollgate = connect({ socket: socketPath });
  const ids = { tenantId, userId };
  try {
    // 1. Enrolment starts: show begun.qrPng (a PNG Buffer) or qrSvg to the user.
    const begun = await tollgate.enrollment.beginTotp({ ...ids, accountName: `${userId}@example.com` });
    const period = begun.period?.seconds || 30;
    console.log(`BeginTotp: ${begun.otpauthUri.split('?')[0]}, ${begun.digits} digits, every ${period}s`);

    // 2. The user's app shows the code for the current time step.
    const step = Math.floor(Date.now() / 1000 / period);
    const code = totp(begun.secretBase32, step, begun.digits, begun.algorithm);

    // 3. The user types it in: TOTP is enabled; show the recovery codes once.
    const confirmed = await tollgate.enrollment.confirmTotp({ ...ids, code });
    if (confirmed.state !== 'TOTP_STATE_ENABLED' || confirmed.recoveryCodes.length === 0) {
      throw new ExampleFailed(`ConfirmTotp: unexpected answer ${JSON.stringify(confirmed)}`);
    }
    console.log(`ConfirmTotp: ${confirmed.state}, ${confirmed.recoveryCodes.length} recovery codes`);

    // 4. Later, the user signs in: the password was accepted, ask tollgate.
    const client = { clientIp: '127.0.0.1', userAgent: 'signin.js' };
    const challenge = await tollgate.challenge.beginChallenge({ ...ids, ...client });
    console.log(`BeginChallenge: ${challenge.decision}`);
    if (challenge.decision !== 'DECISION_CHALLENGE') {
      throw new ExampleFailed(`BeginChallenge: expected DECISION_CHALLENGE, got ${challenge.decision}`);
    }
    const verify = (method, answer) =>
      tollgate.challenge.verifyChallenge({ ...ids, ...client, challengeId: challenge.challengeId, method, code: answer });

    // 5. A typo: a well-formed code that matches no step the server accepts.
    const near = new Set();
    for (let s = step - 3; s <= step + 3; s++) near.add(totp(begun.secretBase32, s, begun.digits, begun.algorithm));
    let n = 0;
    while (near.has(String(n).padStart(begun.digits, '0'))) n++;
    const wrong = String(n).padStart(begun.digits, '0');
    const err = await expectFailure('VerifyChallenge (wrong code)', verify(Method.METHOD_TOTP, wrong), CodeMismatchError);
    console.log(`  attempts_left: ${err.attemptsLeft}`);

    // 6. The code that confirmed enrolment is still inside the accepted
    //    window, but its time step was spent by ConfirmTotp: each step is
    //    accepted once per user, so this is a replay.
    await expectFailure('VerifyChallenge (code already used)', verify(Method.METHOD_TOTP, code), CodeAlreadyUsedError);

    // 7. "Try another way": a recovery code (any case, dash optional).
    const verified = await verify(Method.METHOD_RECOVERY_CODE, confirmed.recoveryCodes[0]);
    console.log(
      `VerifyChallenge (recovery code): OK, methods ${JSON.stringify(verified.methodsUsed)}, ` +
        `recoveryCodesRemaining=${verified.recoveryCodesRemaining}`,
    );
    if (verified.recoveryCodesRemaining !== confirmed.recoveryCodes.length - 1) {
      throw new ExampleFailed('VerifyChallenge: expected one recovery code fewer');
    }
  } finally {
    tollgate.close();
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
    } else if (e instanceof TollgateError) {
      console.error(`FAIL: unexpected ${e.name}: ${e.codeName} ${e.message} (reason ${e.reason})`);
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
