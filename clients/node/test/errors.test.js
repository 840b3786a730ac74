// Errors from a real tollgate, as the package maps them: the class for each
// reason (instanceof TollgateError and Error), the gRPC code, and what the
// details say (attempts left, the lockout's end and RetryInfo, field
// violations); no error carries the code that was typed. And the decoding of
// details the server does not send today (an unknown reason from a newer
// server), from a status built here: its bytes are written field by field
// with @bufbuild/protobuf's BinaryWriter, not with the package's generated
// google.rpc code (which it does not export, and which would only agree with
// itself), into the trailers of this test's own copy of @grpc/grpc-js.
'use strict';

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const util = require('node:util');

const grpc = require('@grpc/grpc-js');
const tollgate = require('@tollgate/client');
const { connect, TollgateError } = tollgate;
const { enrolTotp, newUser, rejection, startServer, totp, wrongCode } = require('./support');
const { BinaryWriter } = require('@bufbuild/protobuf/wire');

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

/** The places a secret could leak from an error: its message, stack, and inspection. */
function assertNotIn(error, secret) {
  for (const text of [error.message, error.stack, String(error), util.inspect(error), JSON.stringify(error)]) {
    assert.ok(!text.includes(secret), `the error shows the code: ${text}`);
  }
}

test('wrong codes: CodeMismatchError with attempts left, then LockedOutError with its end and RetryInfo', async () => {
  const { userId, begun, step } = await enrolTotp(client);
  const { challengeId } = await client.challenge.beginChallenge({ userId });
  const verify = (code) => client.challenge.verifyChallenge({ userId, challengeId, method: 'METHOD_TOTP', code });

  const wrong = wrongCode(begun);
  const attemptsLeft = [];
  let locked;
  for (let attempt = 1; attempt <= 10 && !locked; attempt++) {
    let error;
    try {
      await verify(wrong);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof TollgateError && error instanceof Error, 'a TollgateError');
    assertNotIn(error, wrong);
    if (error instanceof tollgate.LockedOutError) {
      locked = error;
      break;
    }
    assert.ok(error instanceof tollgate.CodeMismatchError, `${error.name} ${error.reason}`);
    assert.equal(error.name, 'CodeMismatchError');
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(error.codeName, 'INVALID_ARGUMENT');
    assert.equal(error.reason, 'CODE_MISMATCH');
    assert.equal(error.domain, 'tollgate');
    assert.equal(error.retryAfterMs, null);
    assert.equal(error.lockedUntil, null);
    assert.deepEqual(error.fieldViolations, []);
    attemptsLeft.push(error.attemptsLeft);
  }
  // The default policy locks after 5 failures.
  assert.deepEqual(attemptsLeft, [4, 3, 2, 1]);
  assert.ok(locked, 'locked out after the fifth wrong code');
  assert.equal(locked.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.equal(locked.reason, 'LOCKED_OUT');
  assert.match(locked.metadata.locked_until, /^\d{4}-\d\d-\d\dT/);
  assert.ok(locked.lockedUntil instanceof Date);
  const fifteenMinutes = 15 * 60 * 1000;
  assert.ok(Math.abs(locked.lockedUntil - Date.now() - fifteenMinutes) < 60_000, `locked until ${locked.lockedUntil.toISOString()}`);
  assert.ok(locked.retryAfterMs > fifteenMinutes - 60_000 && locked.retryAfterMs <= fifteenMinutes, `retry after ${locked.retryAfterMs} ms`);
  assert.equal(locked.attemptsLeft, null);

  // While locked out, even the right code is refused.
  const right = totp(begun, step + 1);
  const stillLocked = await rejection(verify(right), tollgate.LockedOutError);
  assertNotIn(stillLocked, right);
});

test('the code that confirmed enrolment, again: CodeAlreadyUsedError', async () => {
  const { userId, code } = await enrolTotp(client);
  const { challengeId } = await client.challenge.beginChallenge({ userId });
  const error = await rejection(
    client.challenge.verifyChallenge({ userId, challengeId, method: 'METHOD_TOTP', code }),
    tollgate.CodeAlreadyUsedError,
  );
  assert.equal(error.code, grpc.status.FAILED_PRECONDITION);
  assertNotIn(error, code);
});

test('a malformed code: InvalidArgumentError naming the field', async () => {
  const { userId } = await enrolTotp(client);
  const { challengeId } = await client.challenge.beginChallenge({ userId });
  const error = await rejection(
    client.challenge.verifyChallenge({ userId, challengeId, method: 'METHOD_TOTP', code: '12ab' }),
    tollgate.InvalidArgumentError,
  );
  assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
  assert.equal(error.fieldViolations.length, 1);
  assert.equal(error.fieldViolations[0].field, 'code');
  assert.match(error.fieldViolations[0].description, /digits/);
  assertNotIn(error, '12ab');
});

test('a missing user id: InvalidArgumentError for user_id', async () => {
  const error = await rejection(client.enrollment.getEnrollment({}), tollgate.InvalidArgumentError);
  assert.deepEqual(error.fieldViolations.map((v) => v.field), ['user_id']);
});

test('enrolment and challenge states have their own classes', async () => {
  const { userId } = await enrolTotp(client);
  await rejection(client.enrollment.beginTotp({ userId }), tollgate.AlreadyEnabledError);
  await rejection(client.enrollment.confirmTotp({ userId: newUser(), code: '123456' }), tollgate.NoPendingEnrollmentError);
  await rejection(client.recovery.regenerateCodes({ userId: newUser() }), tollgate.NotEnrolledError);

  const { challengeId } = await client.challenge.beginChallenge({ userId });
  await rejection(
    client.challenge.verifyChallenge({ userId, challengeId, method: 'METHOD_EMAIL', code: '123456' }),
    tollgate.MethodNotAllowedError,
  );
  const notFound = await rejection(
    client.challenge.verifyChallenge({ userId, challengeId: 'ab'.repeat(22), method: 'METHOD_TOTP', code: '123456' }),
    tollgate.ChallengeNotFoundError,
  );
  assert.equal(notFound.code, grpc.status.NOT_FOUND);
  await client.challenge.cancelChallenge({ userId, challengeId });
  await rejection(
    client.challenge.verifyChallenge({ userId, challengeId, method: 'METHOD_TOTP', code: '123456' }),
    tollgate.ChallengeNotFoundError,
  );
});

test('a stale policy etag: EtagMismatchError (ABORTED)', async () => {
  const tenantId = newUser('tenant');
  const update = (etag) =>
    client.policy.updatePolicy({
      tenantId,
      etag,
      actorId: 'node-client-test',
      updateMask: ['grace_logins'],
      policy: { graceLogins: 3 },
    });
  const { policy } = await update('');
  assert.equal(policy.graceLogins, 3);
  assert.notEqual(policy.etag, '');
  await update(policy.etag);
  const error = await rejection(update(policy.etag), tollgate.EtagMismatchError);
  assert.equal(error.code, grpc.status.ABORTED);
});

test('a contact that was never registered: ContactNotFoundError', async () => {
  await rejection(
    client.delivery.sendConfirmation({ userId: newUser(), kind: 'CONTACT_KIND_EMAIL' }),
    tollgate.ContactNotFoundError,
  );
});

// --- Decoding, for what today's server does not send ----------------------------------------

// google.rpc messages as bytes, by the field numbers of proto/google/rpc/*.proto.
// A tag is (field number << 3) | wire type (0: varint, 2: length-delimited).
const LEN = 2;
const tag = (field, wireType) => (field << 3) | wireType;
const message = (write) => {
  const writer = new BinaryWriter();
  write(writer);
  return writer.finish();
};
const Status = ({ code, message: text, details }) =>
  message((w) => {
    w.uint32(tag(1, 0)).int32(code).uint32(tag(2, LEN)).string(text);
    for (const { typeUrl, value } of details) w.uint32(tag(3, LEN)).fork().uint32(tag(1, LEN)).string(typeUrl).uint32(tag(2, LEN)).bytes(value).join();
  });
const ErrorInfo = ({ reason, domain, metadata }) =>
  message((w) => {
    w.uint32(tag(1, LEN)).string(reason).uint32(tag(2, LEN)).string(domain);
    for (const [key, value] of Object.entries(metadata)) w.uint32(tag(3, LEN)).fork().uint32(tag(1, LEN)).string(key).uint32(tag(2, LEN)).string(value).join();
  });
const RetryInfo = ({ seconds, nanos }) =>
  message((w) => w.uint32(tag(1, LEN)).fork().uint32(tag(1, 0)).int64(seconds).uint32(tag(2, 0)).int32(nanos).join());
const BadRequest = (violations) =>
  message((w) => {
    for (const { field, description } of violations) w.uint32(tag(1, LEN)).fork().uint32(tag(1, LEN)).string(field).uint32(tag(2, LEN)).string(description).join();
  });

function trailers(details) {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(Status({ code: 8, message: 'x', details })));
  return metadata;
}
const any = (type, value) => ({ typeUrl: `type.googleapis.com/google.rpc.${type}`, value });

test('a reason this package does not know (a newer server) maps to TollgateError, reason kept', () => {
  const error = tollgate.fromStatus(grpc.status.RESOURCE_EXHAUSTED, 'slow down', trailers([
    any('ErrorInfo', ErrorInfo({ reason: 'SOMETHING_NEW', domain: 'tollgate', metadata: { available_at: '2030-01-02T03:04:05.123456789+00:00' } })),
    any('RetryInfo', RetryInfo({ seconds: 1, nanos: 500_000_000 })),
    any('BadRequest', BadRequest([{ field: 'f', description: 'd' }])),
  ]));
  assert.equal(error.constructor, TollgateError);
  assert.equal(error.name, 'TollgateError');
  assert.equal(error.reason, 'SOMETHING_NEW');
  assert.equal(error.message, 'slow down');
  assert.equal(error.retryAfterMs, 1500);
  assert.deepEqual(error.availableAt, new Date('2030-01-02T03:04:05.123Z'));
  assert.deepEqual(error.fieldViolations, [{ field: 'f', description: 'd' }]);
});

test('a reason from another domain is not taken for tollgate\'s', () => {
  const error = tollgate.fromStatus(grpc.status.INVALID_ARGUMENT, 'm', trailers([
    any('ErrorInfo', ErrorInfo({ reason: 'CODE_MISMATCH', domain: 'example.com', metadata: {} })),
  ]));
  assert.equal(error.constructor, TollgateError);
  assert.equal(error.reason, 'CODE_MISMATCH');
  assert.equal(error.domain, 'example.com');
});

test('a status without details, or with details that do not decode, keeps its code and message', () => {
  const bare = tollgate.fromStatus(grpc.status.UNAVAILABLE, 'gone');
  assert.equal(bare.constructor, TollgateError);
  assert.equal(bare.reason, null);
  assert.equal(bare.code, grpc.status.UNAVAILABLE);
  const garbage = new grpc.Metadata();
  garbage.set('grpc-status-details-bin', Buffer.from([0xff, 0xff, 0xff]));
  const broken = tollgate.fromStatus(grpc.status.INTERNAL, 'x', garbage);
  assert.equal(broken.reason, null);
  assert.equal(broken.message, 'x');
});

test('TollgateError.from leaves what is not a gRPC failure alone', () => {
  const plain = new Error('not grpc');
  assert.equal(TollgateError.from(plain), plain);
  const mapped = new tollgate.LockedOutError({ code: grpc.status.RESOURCE_EXHAUSTED, message: 'm' });
  assert.equal(TollgateError.from(mapped), mapped);
});
