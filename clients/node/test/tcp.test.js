// Over TCP with TLS, against a real tollgate on a loopback port: sign-in with
// an API key (sent as `authorization: Bearer KEY`), a wrong key, no
// credential at all, a server certificate from a CA the client does not
// trust, and mutual TLS (a client certificate, no key) on a second server
// that requires one.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { after, before, describe, test } = require('node:test');

const grpc = require('@grpc/grpc-js');
const tollgate = require('@tollgate/client');
const { connect, TollgateError } = tollgate;
const { enrolTotp, rejection, startServer, totp } = require('./support');

/** Enrols a user and signs them in with the next code: the whole flow on one client. */
async function signIn(client) {
  const { userId, begun, step } = await enrolTotp(client);
  const { decision, challengeId } = await client.challenge.beginChallenge({ userId });
  assert.equal(decision, 'DECISION_CHALLENGE');
  const verified = await client.challenge.verifyChallenge({
    userId,
    challengeId,
    method: 'METHOD_TOTP',
    code: totp(begun, step + 1),
  });
  assert.deepEqual(verified.methodsUsed, ['METHOD_TOTP']);
  return userId;
}

// Clients connect by name (localhost), as to a real deployment's DNS name;
// one test connects by IP address. (grpc-js then sets the TLS server name to
// the IP, and Node warns once, DEP0123: grpc/grpc-node#1919.)
const byName = (address) => `localhost:${address.split(':')[1]}`;

describe('TLS with an API key', () => {
  let server;
  let address;
  let ca;
  let apiKey;
  const clients = [];
  const open = (options) => {
    const client = connect(options);
    clients.push(client);
    return client;
  };

  before(async () => {
    server = await startServer({ tcp: true });
    address = byName(server.address);
    ca = fs.readFileSync(server.certs.ca);
    apiKey = await server.createApiKey('node-client-test', ['sign_in', 'admin']);
    assert.match(apiKey, /^tgk_/);
  });

  after(async () => {
    for (const client of clients) client.close();
    await server?.stop();
  });

  test('enrol and sign in over TLS with an API key', async () => {
    const client = open({ address, tls: { ca }, apiKey });
    const userId = await signIn(client);

    // The audit log names the key as the caller.
    const { events } = await client.policy.listAuditEvents({ userId, kinds: ['challenge.verified'] });
    assert.equal(events.length, 1);
    assert.equal(events[0].caller, 'key:node-client-test');
  });

  test('by IP address, with the CA as PEM text: the certificate\'s IP address checks out', async () => {
    const client = open({ address: server.address, tls: { ca: ca.toString('utf8') }, apiKey });
    const { policy } = await client.policy.getPolicy({});
    assert.equal(policy.tenantId, 'default');
  });

  test('tls.serverName: the name the certificate is checked against, whatever the address', async () => {
    const good = open({ address: server.address, tls: { ca, serverName: 'localhost' }, apiKey });
    assert.equal((await good.policy.getPolicy({})).policy.tenantId, 'default');
    const wrong = open({ address: server.address, tls: { ca, serverName: 'elsewhere.example' }, apiKey, timeoutMs: 3000 });
    const error = await rejection(wrong.policy.getPolicy({}), TollgateError);
    assert.equal(error.code, grpc.status.UNAVAILABLE);
  });

  test('a wrong API key: ApiKeyInvalidError (UNAUTHENTICATED), and the key is not in it', async () => {
    const wrongKey = `${apiKey.slice(0, -4)}AAAA`;
    const client = open({ address, tls: { ca }, apiKey: wrongKey });
    const error = await rejection(client.policy.getPolicy({}), tollgate.ApiKeyInvalidError);
    assert.equal(error.code, grpc.status.UNAUTHENTICATED);
    assert.ok(!error.message.includes(wrongKey) && !error.stack.includes(wrongKey));
  });

  test('no API key and no client certificate: NoCredentialError', async () => {
    const client = open({ address, tls: { ca } });
    const error = await rejection(client.policy.getPolicy({}), tollgate.NoCredentialError);
    assert.equal(error.code, grpc.status.UNAUTHENTICATED);
  });

  test('a key without the permission, or for another tenant: CallerNotAllowedError naming what it lacks', async () => {
    const outboxKey = await server.createApiKey('outbox-only', ['outbox']);
    const outbox = open({ address, tls: { ca }, apiKey: outboxKey });
    const lacking = await rejection(outbox.enrollment.getEnrollment({ userId: 'someone' }), tollgate.CallerNotAllowedError);
    assert.equal(lacking.code, grpc.status.PERMISSION_DENIED);
    assert.equal(lacking.permission, 'sign_in');
    assert.equal(lacking.tenant, null, 'refused before the request was read');

    const acmeKey = await server.createApiKey('acme-only', ['sign_in'], ['acme']);
    const acme = open({ address, tls: { ca }, apiKey: acmeKey });
    assert.equal((await acme.enrollment.getEnrollment({ tenantId: 'acme', userId: 'someone' })).twoFactorEnabled, false);
    const elsewhere = await rejection(
      acme.enrollment.getEnrollment({ tenantId: 'globex', userId: 'someone' }),
      tollgate.CallerNotAllowedError,
    );
    assert.equal(elsewhere.permission, 'sign_in');
    assert.equal(elsewhere.tenant, 'globex');
  });

  test('a server certificate from a CA the client does not trust: UNAVAILABLE, no reason', async () => {
    const client = open({ address, tls: { ca: fs.readFileSync(server.certs.otherCa) }, apiKey, timeoutMs: 3000 });
    const error = await rejection(client.policy.getPolicy({}), TollgateError);
    assert.equal(error.constructor, TollgateError);
    assert.equal(error.code, grpc.status.UNAVAILABLE);
    assert.equal(error.reason, null);
  });

  test('plaintext towards the TLS port fails instead of talking', async () => {
    const client = open({ address, tls: false, apiKey, timeoutMs: 3000 });
    const error = await rejection(client.policy.getPolicy({}), TollgateError);
    assert.equal(error.reason, null);
  });

  test('the socket of the same server takes an API key too', async () => {
    const client = open({ socket: server.socket, apiKey });
    const userId = await signIn(client);
    const { events } = await client.policy.listAuditEvents({ userId, kinds: ['challenge.verified'] });
    assert.equal(events[0].caller, 'key:node-client-test');
  });
});

describe('mutual TLS', () => {
  let server;
  let tls;
  const clients = [];

  before(async () => {
    server = await startServer({ tcp: true, mutualTls: true });
    tls = {
      ca: fs.readFileSync(server.certs.ca),
      cert: fs.readFileSync(server.certs.clientCert),
      key: fs.readFileSync(server.certs.clientKey),
    };
  });

  after(async () => {
    for (const client of clients) client.close();
    await server?.stop();
  });

  test('a client certificate the CA signed signs in with no API key', async () => {
    const client = connect({ address: byName(server.address), tls });
    clients.push(client);
    const userId = await signIn(client);
    const { events } = await client.policy.listAuditEvents({ userId, kinds: ['challenge.verified'] });
    assert.match(events[0].caller, /^cert:/);
  });

  test('without a client certificate the handshake is refused', async () => {
    const client = connect({ address: byName(server.address), tls: { ca: tls.ca }, timeoutMs: 3000 });
    clients.push(client);
    const error = await rejection(client.policy.getPolicy({}), TollgateError);
    assert.equal(error.reason, null);
    assert.equal(error.code, grpc.status.UNAVAILABLE);
  });
});
