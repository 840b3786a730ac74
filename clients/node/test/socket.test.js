// Over the Unix socket, against a real tollgate: enrol a user's authenticator
// app and sign them in, with the typed answers (enums as strings, Dates,
// Buffers) the package promises; recovery codes; the policy and enrolment
// reads; a call cancelled with an AbortSignal; close().
'use strict';

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');

const tollgate = require('@tollgate/client');
const { connect, Method, TollgateError } = tollgate;
const { enrolTotp, rejection, startServer, totp } = require('./support');

let server;
let client;

before(async () => {
  server = await startServer();
  client = connect({ socket: server.socket });
});

after(async () => {
  client?.close();
  await server?.stop();
});

test('enrol an authenticator app and sign in with its next code', async () => {
  const { userId, begun, confirmed, step } = await enrolTotp(client);

  assert.match(begun.secretBase32, /^[A-Z2-7]+$/);
  assert.ok(begun.otpauthUri.startsWith('otpauth://totp/'));
  assert.ok(Buffer.isBuffer(begun.qrPng), 'qrPng is a Buffer');
  assert.deepEqual([...begun.qrPng.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'qrPng is a PNG');
  assert.ok(begun.expiresAt instanceof Date && begun.expiresAt > new Date(), 'expiresAt is a future Date');
  assert.equal(begun.period.seconds, 30);
  assert.equal(begun.digits, 6);
  assert.equal(begun.algorithm, 'TOTP_ALGORITHM_SHA1');

  assert.equal(confirmed.state, 'TOTP_STATE_ENABLED');
  assert.equal(confirmed.recoveryCodes.length, 8);
  for (const code of confirmed.recoveryCodes) assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.ok(confirmed.confirmedAt instanceof Date);

  const challenge = await client.challenge.beginChallenge({ userId, clientIp: '127.0.0.1', userAgent: 'node:test' });
  assert.equal(challenge.decision, 'DECISION_CHALLENGE');
  assert.match(challenge.challengeId, /^[0-9a-f]{44}$/);
  assert.deepEqual(challenge.methods, [Method.METHOD_TOTP, Method.METHOD_RECOVERY_CODE]);
  assert.equal(challenge.defaultMethod, 'METHOD_TOTP');

  // ConfirmTotp spent this step; the next one is accepted (one step of skew).
  const verified = await client.challenge.verifyChallenge({
    userId,
    challengeId: challenge.challengeId,
    method: Method.METHOD_TOTP,
    code: totp(begun, step + 1),
  });
  assert.deepEqual(verified.methodsUsed, ['METHOD_TOTP']);
  assert.equal(verified.recoveryCodesRemaining, 8);
  assert.equal(verified.trustedDeviceToken, '', 'no device token unless asked');

  const enrollment = await client.enrollment.getEnrollment({ userId });
  assert.equal(enrollment.totp.state, 'TOTP_STATE_ENABLED');
  assert.equal(enrollment.twoFactorEnabled, true);
  assert.deepEqual(enrollment.enabledMethods, ['METHOD_TOTP']);
});

test('a recovery code signs in once, and regenerating replaces the set', async () => {
  const { userId, confirmed } = await enrolTotp(client);
  const challenge = await client.challenge.beginChallenge({ userId });
  const verified = await client.challenge.verifyChallenge({
    userId,
    challengeId: challenge.challengeId,
    method: 'METHOD_RECOVERY_CODE',
    code: confirmed.recoveryCodes[0].toLowerCase().replace('-', ''),
  });
  assert.equal(verified.recoveryCodesRemaining, 7);
  assert.deepEqual((await client.recovery.getRecoveryStatus({ userId })).remaining, 7);

  const regenerated = await client.recovery.regenerateCodes({ userId, clientIp: '127.0.0.1' });
  assert.equal(regenerated.codes.length, 8);
  assert.ok(regenerated.generatedAt instanceof Date);
  const status = await client.recovery.getRecoveryStatus({ userId });
  assert.equal(status.remaining, 8);
  assert.equal(status.total, 8);
});

test('requests take the defaults for what they leave out, and the policy reads typed', async () => {
  const { policy } = await client.policy.getPolicy();
  assert.equal(policy.tenantId, 'default');
  assert.equal(policy.twoFactorEnabled, true);
  assert.equal(policy.enforcement, 'ENFORCEMENT_OPTIONAL');
  assert.equal(policy.maxFailedAttempts, 5);
  assert.equal(policy.lockoutDuration.seconds, 15 * 60);
  assert.ok(policy.allowedMethods.includes('METHOD_TOTP'));
});

test('a user who has not enrolled is let in without a challenge', async () => {
  const answer = await client.challenge.beginChallenge({ userId: 'nobody-enrolled' });
  assert.equal(answer.decision, 'DECISION_ALLOW');
  assert.equal(answer.allowReason, 'ALLOW_REASON_NOT_REQUIRED');
  assert.equal(answer.challengeId, '');
});

test('an AbortSignal cancels a call: it rejects with the signal reason', async () => {
  const controller = new AbortController();
  controller.abort(new Error('the user went away'));
  await assert.rejects(client.policy.getPolicy({}, { signal: controller.signal }), /the user went away/);

  const late = new AbortController();
  const pending = client.enrollment.beginTotp({ userId: 'abort-user' }, { signal: late.signal });
  late.abort();
  await assert.rejects(pending, (error) => error.name === 'AbortError');
});

test('a request with a field of the wrong type is refused before it is sent, without its value', async () => {
  // roles is a list: a string would otherwise go out as its letters.
  const error = await rejection(client.challenge.beginChallenge({ userId: 'u', roles: 'administrator' }), TypeError);
  assert.match(error.message, /BeginChallenge/);
  assert.doesNotMatch(error.message, /administrator/);
  await rejection(client.challenge.beginChallenge('u'), TypeError);
});

test('a socket nobody serves: UNAVAILABLE as a TollgateError without a reason', async () => {
  const nowhere = connect({ socket: `${server.dir}/nobody-here.sock`, timeoutMs: 2000 });
  try {
    const error = await rejection(nowhere.policy.getPolicy({}), TollgateError);
    assert.equal(error.constructor, TollgateError);
    assert.equal(error.codeName, 'UNAVAILABLE');
    assert.equal(error.reason, null);
    const notReady = await rejection(nowhere.waitForReady(300), TollgateError);
    assert.equal(notReady.codeName, 'UNAVAILABLE');
  } finally {
    nowhere.close();
  }
});

test('after close(), calls fail and do not hang', async () => {
  const closing = connect({ socket: server.socket });
  await closing.waitForReady();
  closing.close();
  const error = await rejection(closing.policy.getPolicy({}), TollgateError);
  assert.equal(error.codeName, 'UNAVAILABLE');
  assert.equal(error.reason, null);
  const stream = closing.delivery.streamOutbox({});
  await assert.rejects(stream[Symbol.asyncIterator]().next(), (e) => e instanceof TollgateError && e.codeName === 'UNAVAILABLE');
});

test('connect() refuses options that cannot work, without echoing a key', () => {
  assert.throws(() => connect({}), /either socket .* or address/);
  assert.throws(() => connect({ socket: server.socket, address: '127.0.0.1:1' }), /either socket/);
  const key = 'tgk_not valid';
  assert.throws(
    () => connect({ socket: server.socket, apiKey: key }),
    (error) => error instanceof TypeError && !error.message.includes(key),
  );
  assert.throws(() => connect({ address: '127.0.0.1:1', tls: { cert: 'x' } }), /cert and tls.key go together/);
  assert.throws(() => connect({ socket: server.socket, timeoutMs: 0 }), /timeoutMs/);
});

test('an application\'s own @grpc/grpc-js client with the exported definitions and messages; TollgateError.from maps its errors', async () => {
  // Not the copy bundled in the package: the one this test installs, as an
  // application with its own @grpc/grpc-js would have it.
  const grpc = require('@grpc/grpc-js');
  const { PolicyServiceDefinition } = tollgate;
  const raw = new grpc.Client(`unix://${server.socket}`, grpc.credentials.createInsecure());
  const call = (method, request) =>
    new Promise((resolve, reject) =>
      raw.makeUnaryRequest(
        `/${PolicyServiceDefinition.fullName}/${method.name}`,
        (message) => Buffer.from(method.requestType.encode(method.requestType.fromPartial(message)).finish()),
        (bytes) => method.responseType.decode(bytes),
        request,
        (error, response) => (error ? reject(error) : resolve(response)),
      ),
    );
  try {
    const answer = await call(PolicyServiceDefinition.methods.getPolicy, {});
    assert.equal(answer.policy.tenantId, 'default');
    const failure = await call(PolicyServiceDefinition.methods.evaluateUser, {}).catch((error) => error);
    assert.ok(!(failure instanceof TollgateError) && typeof failure.code === 'number', 'a grpc-js ServiceError');
    const mapped = TollgateError.from(failure);
    assert.ok(mapped instanceof tollgate.InvalidArgumentError);
    assert.equal(mapped.code, grpc.status.INVALID_ARGUMENT);
    assert.deepEqual(mapped.fieldViolations.map((v) => v.field), ['user_id']);
  } finally {
    raw.close();
  }
});
