// DeliveryService.StreamOutbox as an async iterable, against a real tollgate
// whose email transport is the outbox (its default): a contact confirmed with
// the token from the streamed message, an email sign-in code streamed and
// answered, acknowledgements, RESEND_TOO_SOON with its time, and the three
// ways an iteration ends (break, close(), an AbortSignal).
'use strict';

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');

const tollgate = require('@tollgate/client');
const { connect } = tollgate;
const { newUser, rejection, startServer } = require('./support');

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

/** Reads `stream` until a message satisfies `wanted` (within 10 s), acknowledging the others. */
async function nextMessage(iterator, wanted) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('no outbox message within 10 s')), deadline - Date.now());
    });
    const { value, done } = await Promise.race([iterator.next(), timeout]).finally(() => clearTimeout(timer));
    assert.ok(!done, 'the stream ended');
    if (wanted(value)) return value;
    await client.delivery.ackMessage({ messageId: value.messageId, tenantId: value.tenantId });
  }
}

test('a contact confirmed with the token from the streamed message, then an email sign-in code', async () => {
  const tenantId = newUser('outbox');
  const userId = newUser();
  const address = `${userId}@example.com`;
  const stream = client.delivery.streamOutbox({ tenantId });
  const iterator = stream[Symbol.asyncIterator]();
  try {
    const { contact } = await client.delivery.registerContact({ tenantId, userId, kind: 'CONTACT_KIND_EMAIL', address });
    assert.equal(contact.kind, 'CONTACT_KIND_EMAIL');
    assert.notEqual(contact.maskedAddress, address);
    assert.equal(contact.confirmedAt, undefined);

    const sent = await client.delivery.sendConfirmation({ tenantId, userId, kind: 'CONTACT_KIND_EMAIL' });
    assert.equal(sent.maskedDestination, contact.maskedAddress);
    const confirmation = await nextMessage(iterator, (m) => m.userId === userId);
    assert.equal(confirmation.kind, 'MESSAGE_KIND_CONTACT_CONFIRMATION');
    assert.equal(confirmation.channel, 'CONTACT_KIND_EMAIL');
    assert.equal(confirmation.recipient, address);
    assert.equal(confirmation.tenantId, tenantId);
    assert.ok(confirmation.createdAt instanceof Date);
    assert.equal(confirmation.attempt, 1);
    assert.ok(confirmation.code, 'the token is in code');
    await client.delivery.ackMessage({ messageId: confirmation.messageId, tenantId });
    await rejection(
      client.delivery.ackMessage({ messageId: confirmation.messageId, tenantId }),
      tollgate.MessageNotFoundError,
    );

    const confirmed = await client.delivery.confirmContact({
      tenantId, userId, kind: 'CONTACT_KIND_EMAIL', tokenOrCode: confirmation.code,
    });
    assert.ok(confirmed.contact.confirmedAt instanceof Date);
    await rejection(
      client.delivery.sendConfirmation({ tenantId, userId, kind: 'CONTACT_KIND_EMAIL' }),
      tollgate.ContactAlreadyConfirmedError,
    );

    const enabled = await client.enrollment.enableMethod({ tenantId, userId, method: 'METHOD_EMAIL' });
    assert.deepEqual(enabled.enabledMethods, ['METHOD_EMAIL']);
    assert.equal(enabled.recoveryCodes.length, 8);

    const challenge = await client.challenge.beginChallenge({ tenantId, userId });
    assert.equal(challenge.defaultMethod, 'METHOD_EMAIL');
    const codeSent = await client.challenge.sendCode({
      tenantId, userId, challengeId: challenge.challengeId, method: 'METHOD_EMAIL',
    });
    assert.ok(codeSent.codeExpiresAt > new Date());
    const signInCode = await nextMessage(iterator, (m) => m.kind === 'MESSAGE_KIND_SIGN_IN_CODE');
    assert.match(signInCode.code, /^\d{6}$/);
    await client.delivery.ackMessage({ messageId: signInCode.messageId, tenantId });

    // Sending again at once: the cool-down, with when it ends.
    const tooSoon = await rejection(
      client.challenge.sendCode({ tenantId, userId, challengeId: challenge.challengeId, method: 'METHOD_EMAIL' }),
      tollgate.ResendTooSoonError,
    );
    assert.ok(tooSoon.availableAt instanceof Date);
    const untilThen = tooSoon.availableAt - Date.now();
    assert.ok(untilThen > 20_000 && untilThen <= 31_000, `available in ${untilThen} ms`);
    assert.ok(tooSoon.retryAfterMs > 20_000 && tooSoon.retryAfterMs <= 30_000, `retry after ${tooSoon.retryAfterMs} ms`);

    const verified = await client.challenge.verifyChallenge({
      tenantId, userId, challengeId: challenge.challengeId, method: 'METHOD_EMAIL', code: signInCode.code,
    });
    assert.deepEqual(verified.methodsUsed, ['METHOD_EMAIL']);
  } finally {
    await iterator.return();
  }
});

test('breaking out of the loop ends the stream and leaves the client working', async () => {
  const tenantId = newUser('outbox');
  const userId = newUser();
  await client.delivery.registerContact({ tenantId, userId, kind: 'CONTACT_KIND_EMAIL', address: `${userId}@example.com` });
  await client.delivery.sendConfirmation({ tenantId, userId, kind: 'CONTACT_KIND_EMAIL' });
  let first;
  for await (const message of client.delivery.streamOutbox({ tenantId })) {
    first = message;
    break;
  }
  assert.equal(first.userId, userId);
  // The stream is gone, the client is not: acknowledging still works.
  await client.delivery.ackMessage({ messageId: first.messageId, tenantId });
});

test('close() ends an open iteration without an error', async () => {
  const closing = connect({ socket: server.socket });
  const received = [];
  const consumer = (async () => {
    for await (const message of closing.delivery.streamOutbox({ tenantId: newUser('empty') })) received.push(message);
    return 'ended';
  })();
  // The call is open once the channel is: close() must end it.
  await closing.waitForReady();
  closing.close();
  assert.equal(await consumer, 'ended');
  assert.deepEqual(received, []);
});

test('an AbortSignal ends an iteration with its reason', async () => {
  const controller = new AbortController();
  const consumer = (async () => {
    for await (const message of client.delivery.streamOutbox({ tenantId: newUser('empty') }, { signal: controller.signal })) {
      assert.fail(`unexpected message ${message.messageId}`);
    }
  })();
  await client.waitForReady();
  controller.abort();
  await assert.rejects(consumer, (error) => error.name === 'AbortError');
});

test('a stream for a tenant name that is not valid fails with InvalidArgumentError', async () => {
  const iterate = async () => {
    for await (const message of client.delivery.streamOutbox({ tenantId: 'not a tenant!' })) assert.fail(message.messageId);
  };
  const error = await rejection(iterate(), tollgate.InvalidArgumentError);
  assert.deepEqual(error.fieldViolations.map((v) => v.field), ['tenant_id']);
});
