#!/usr/bin/env node
// A small web application with its own users and passwords that hands the
// whole second factor to tollgate: authenticator apps (TOTP), passkeys
// (WebAuthn), recovery codes and "trust this browser".
//
//   npm ci
//   node app.js --socket /abs/path/tollgate.sock [--port 3000]
//
// tollgate's configuration must name this app's origin as a WebAuthn relying
// party (see README.md). Everything lives in memory and is lost on restart:
// users (scrypt password hashes), sessions. Only node's own http module and
// @tollgate/client (clients/node in this repository); the pages are plain
// HTML forms, and the browser-side JavaScript is the few lines that call
// navigator.credentials.
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const { parseArgs, promisify } = require('node:util');

const { connect, ChallengeExpiredError, ChallengeNotFoundError, CodeMismatchError, TollgateError } = require('@tollgate/client');

const { values: args } = parseArgs({
  options: {
    socket: { type: 'string' },
    port: { type: 'string', default: '3000' },
    tenant: { type: 'string', default: '' },
  },
});
if (!args.socket || !path.isAbsolute(args.socket)) {
  console.error('usage: node app.js --socket /abs/path/tollgate.sock [--port 3000] [--tenant T]');
  process.exit(2);
}

// --- tollgate over its Unix socket ---------------------------------------------

// One client for all of tollgate's services. grpc-js sends `localhost` as the
// :authority of a unix: target, which tollgate accepts; C-core clients need
// grpc.default_authority (see ../README.md).
const tollgate = connect({ socket: args.socket });

// A request for this app's tenant.
const forTenant = (request) => ({ tenantId: args.tenant, ...request });

// The message to show for a failed tollgate call; anything that is not
// tollgate's answer (a bug here) is thrown on.
function failure(err) {
  if (!(err instanceof TollgateError)) throw err;
  if (err instanceof CodeMismatchError && err.attemptsLeft !== null) {
    return `${err.message} (${err.attemptsLeft} ${err.attemptsLeft === 1 ? 'try' : 'tries'} left)`;
  }
  return err.message;
}

// --- Users, sessions, cookies ---------------------------------------------------

const scrypt = promisify(crypto.scrypt);
const users = new Map(); // name -> { salt, hash }
const sessions = new Map(); // id -> { csrf, user?, pending?, totp?, registrationId? }

async function hashPassword(password, salt) {
  return scrypt(password, salt, 32);
}

async function checkPassword(name, password) {
  const user = users.get(name);
  // Hash even for an unknown name, so the answer takes as long.
  const hash = await hashPassword(password, user ? user.salt : 'no such user');
  return Boolean(user) && crypto.timingSafeEqual(hash, user.hash);
}

function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie || '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

// Cookies are HttpOnly and SameSite=Lax; behind HTTPS add `Secure`.
function setCookie(res, name, value, maxAgeSeconds) {
  const cookie = `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
  res.appendHeader('Set-Cookie', cookie);
}

function session(req, res) {
  let id = cookies(req).sid;
  if (!id || !sessions.has(id)) {
    id = crypto.randomBytes(32).toString('hex');
    sessions.set(id, { csrf: crypto.randomBytes(16).toString('hex') });
    setCookie(res, 'sid', id, 86400);
  }
  return Object.assign(sessions.get(id), { id });
}

// A fresh session id at every change of who is signed in.
function renewSession(res, old, fields) {
  sessions.delete(old.id);
  const id = crypto.randomBytes(32).toString('hex');
  sessions.set(id, { csrf: crypto.randomBytes(16).toString('hex'), ...fields });
  setCookie(res, 'sid', id, 86400);
}

// The trusted-device token tollgate gave this browser for this user.
const trustCookie = (user) => `trusted_${crypto.createHash('sha256').update(user).digest('hex').slice(0, 16)}`;

// --- Pages ----------------------------------------------------------------------

const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function page(res, s, title, body, status = 200) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
header{display:flex;min-height:3rem;justify-content:space-between;align-items:center;border-bottom:1px solid #ddd;margin-bottom:1rem}
header form{display:inline}input[type=text],input[type=password]{font:inherit;padding:.3rem;width:16rem}
button{font:inherit;padding:.3rem .9rem}label{display:block;margin:.5rem 0}.error{color:#b00020}
code,.codes{font-family:ui-monospace,monospace}.codes{columns:2;background:#f4f4f4;padding:.5rem 2rem}
table{border-collapse:collapse;margin-bottom:1rem}td,th{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:left}
</style></head><body><header><strong>Example app</strong><span>${
    s.user
      ? `${esc(s.user)} · <a href="/security">Security</a> · <form method="post" action="/signout">${csrf(s)}<button>Sign out</button></form>`
      : ''
  }</span></header><h1>${esc(title)}</h1>${body}</body></html>`);
}

const csrf = (s) => `<input type="hidden" name="csrf" value="${s.csrf}">`;
const error = (message) => (message ? `<p class="error">${esc(message)}</p>` : '');
const redirect = (res, to) => res.writeHead(303, { Location: to }).end();
// JSON inside a <script> element.
const scriptJson = (value) => JSON.stringify(value).replace(/</g, '\\u003c');

const METHOD_NAMES = {
  METHOD_TOTP: 'authenticator app',
  METHOD_WEBAUTHN: 'passkey',
  METHOD_RECOVERY_CODE: 'recovery code',
};

function signInPage(res, s, message = '', status = 200) {
  page(
    res,
    s,
    'Sign in',
    `${error(message)}
<form method="post" action="/signin">${csrf(s)}
<label>Username <input type="text" name="username" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button name="action" value="signin">Sign in</button> <button name="action" value="signup">Sign up</button>
</form>`,
    status,
  );
}

function secondFactorPage(res, s, method, message = '', status = 200) {
  const p = s.pending;
  const others = p.methods.filter((m) => m !== method && METHOD_NAMES[m]);
  const tryAnother = others.length
    ? `<p>Try another way: ${others.map((m) => `<a href="/second-factor?method=${m}">use your ${METHOD_NAMES[m]}</a>`).join(' · ')}</p>`
    : '';
  const remember = '<label><input type="checkbox" name="remember" value="1"> Trust this browser</label>';
  let form;
  if (method === 'METHOD_WEBAUTHN') {
    // The request options tollgate handed out with the challenge; the
    // browser's assertion goes back in a hidden field.
    form = `<p>Use the passkey on this device or your security key.</p>
<form method="post" action="/second-factor" id="passkey-form">${csrf(s)}
<input type="hidden" name="method" value="METHOD_WEBAUTHN"><input type="hidden" name="assertion">
${remember}<button type="button" id="use-passkey">Use passkey</button></form>
<script id="request-options" type="application/json">${scriptJson(p.webauthnOptions)}</script>
<script>
document.getElementById('use-passkey').onclick = async () => {
  const options = JSON.parse(JSON.parse(document.getElementById('request-options').textContent));
  try {
    const assertion = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey),
    });
    const form = document.getElementById('passkey-form');
    form.assertion.value = JSON.stringify(assertion.toJSON());
    form.submit();
  } catch (e) { alert('The passkey did not sign in: ' + e.message); }
};
</script>`;
  } else {
    const recovery = method === 'METHOD_RECOVERY_CODE';
    form = `<p>${recovery ? 'Type one of your recovery codes.' : 'Type the 6-digit code your authenticator app shows.'}</p>
<form method="post" action="/second-factor">${csrf(s)}<input type="hidden" name="method" value="${method}">
<label>${recovery ? 'Recovery code' : 'Code'} <input type="text" name="code" autocomplete="one-time-code" autofocus required></label>
${remember}<button>Verify</button></form>`;
  }
  page(
    res,
    s,
    'Two-step verification',
    `${error(message)}${form}${tryAnother}
<form method="post" action="/signout">${csrf(s)}<button>Sign in as someone else</button></form>`,
    status,
  );
}

function recoveryCodesPage(res, s, codes) {
  page(
    res,
    s,
    'Your recovery codes',
    `<p>Two-step verification is on. Keep these codes somewhere safe:
each signs you in once if you lose your authenticator. They are shown only now.</p>
<ul class="codes" id="recovery-codes">${codes.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>
<p><a href="/security">Done</a></p>`,
  );
}

async function securityPage(res, s, message = '') {
  const [state, keys] = await Promise.all([
    tollgate.enrollment.getEnrollment(forTenant({ userId: s.user })),
    tollgate.enrollment.listWebAuthnCredentials(forTenant({ userId: s.user })),
  ]);
  const totpOn = state.totp.state === 'TOTP_STATE_ENABLED';
  const rows = keys.credentials
    .map((k) => {
      const date = (t) => (t ? t.toISOString().slice(0, 16).replace('T', ' ') : 'never');
      return `<tr><td>${esc(k.label)}</td><td>${date(k.createdAt)}</td><td>${date(k.lastUsedAt)}</td></tr>`;
    })
    .join('');
  const totpHtml = totpOn
    ? '<p id="totp-state">On.</p>'
    : `<p id="totp-state">Off.</p><form method="post" action="/security/totp">${csrf(s)}
<button>Set up an authenticator app</button></form>`;
  const keysHtml = rows
    ? `<table id="passkeys"><tr><th>Name</th><th>Added</th><th>Last used</th></tr>${rows}</table>`
    : '<p id="passkeys">None yet.</p>';
  page(
    res,
    s,
    'Security',
    `${error(message)}
<h2>Authenticator app</h2>
${totpHtml}
<h2>Passkeys</h2>
${keysHtml}
<form method="post" action="/security/passkeys/finish" id="passkey-form">${csrf(s)}
<input type="hidden" name="credential">
<label>Name <input type="text" name="label" value="My passkey" maxlength="64"></label>
<button type="button" id="add-passkey">Add a passkey</button></form>
<p>Recovery codes left: ${state.recoveryCodesRemaining}</p>
<script>
document.getElementById('add-passkey').onclick = async () => {
  const form = document.getElementById('passkey-form');
  const begun = await fetch('/security/passkeys/begin', { method: 'POST', headers: { 'x-csrf': form.csrf.value } });
  if (!begun.ok) return alert(await begun.text());
  const options = JSON.parse(await begun.text());
  try {
    const credential = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey),
    });
    form.credential.value = JSON.stringify(credential.toJSON());
    form.submit();
  } catch (e) { alert('No passkey was created: ' + e.message); }
};
</script>`,
  );
}

// --- Handlers -------------------------------------------------------------------

const clientOf = (req) => ({ clientIp: req.socket.remoteAddress, userAgent: req.headers['user-agent'] || '' });

async function signIn(req, res, s, form) {
  const name = String(form.username || '').trim();
  const password = String(form.password || '');
  if (form.action === 'signup') {
    if (!name || users.has(name) || password.length < 8) {
      return signInPage(res, s, 'Pick an unused username and a password of 8 characters or more.', 400);
    }
    const salt = crypto.randomBytes(16).toString('hex');
    users.set(name, { salt, hash: await hashPassword(password, salt) });
    renewSession(res, s, { user: name });
    return redirect(res, '/security');
  }
  if (!(await checkPassword(name, password))) return signInPage(res, s, 'Wrong username or password.', 401);

  // The password is right: tollgate decides about the second factor.
  const begun = await tollgate.challenge.beginChallenge(
    forTenant({ userId: name, trustedDeviceToken: cookies(req)[trustCookie(name)] || '', ...clientOf(req) }),
  );
  if (begun.decision === 'DECISION_CHALLENGE') {
    const { challengeId, methods, defaultMethod, webauthnRequestOptionsJson } = begun;
    renewSession(res, s, {
      pending: { user: name, challengeId, methods, defaultMethod, webauthnOptions: webauthnRequestOptionsJson },
    });
    return redirect(res, '/second-factor');
  }
  // ALLOW (not required, trusted browser, grace login), or
  // ENROLLMENT_REQUIRED: signed in, and sent to set-up with the message.
  renewSession(res, s, { user: name, notice: begun.message });
  return redirect(res, begun.decision === 'DECISION_ALLOW' ? '/account' : '/security');
}

async function verify(req, res, s, form) {
  const p = s.pending;
  if (!p) return redirect(res, '/signin');
  const method = p.methods.includes(form.method) ? form.method : p.defaultMethod;
  let verified;
  try {
    verified = await tollgate.challenge.verifyChallenge(
      forTenant({
        userId: p.user,
        challengeId: p.challengeId,
        method,
        code: String(form.code || ''),
        webauthnAssertionJson: String(form.assertion || ''),
        rememberDevice: form.remember === '1',
        ...clientOf(req),
      }),
    );
  } catch (err) {
    if (err instanceof ChallengeNotFoundError || err instanceof ChallengeExpiredError) {
      return signInPage(res, s, 'That sign-in has ended; start again.', 400);
    }
    return secondFactorPage(res, s, method, failure(err), 400);
  }
  if (verified.trustedDeviceToken) {
    const seconds = Math.floor((verified.trustedDeviceExpiresAt - Date.now()) / 1000);
    setCookie(res, trustCookie(p.user), verified.trustedDeviceToken, seconds);
  }
  renewSession(res, s, { user: p.user });
  return redirect(res, '/account');
}

const routes = {
  'GET /': (req, res, s) => redirect(res, s.user ? '/account' : '/signin'),
  'GET /signin': (req, res, s) => signInPage(res, s),
  'POST /signin': signIn,
  'GET /second-factor': (req, res, s, form, query) => {
    if (!s.pending) return redirect(res, '/signin');
    const method = s.pending.methods.includes(query.get('method')) ? query.get('method') : s.pending.defaultMethod;
    return secondFactorPage(res, s, method);
  },
  'POST /second-factor': verify,
  'POST /signout': async (req, res, s) => {
    // Leaving the second-factor page ends the challenge too.
    if (s.pending) {
      const { user, challengeId } = s.pending;
      await tollgate.challenge
        .cancelChallenge(forTenant({ userId: user, challengeId }))
        .catch((err) => console.error(`CancelChallenge: ${failure(err)}`));
    }
    renewSession(res, s, {});
    redirect(res, '/signin');
  },
  'GET /account': (req, res, s) =>
    page(
      res,
      s,
      'Signed in',
      `${s.notice ? `<p>${esc(s.notice)}</p>` : ''}
<p id="welcome">Welcome, ${esc(s.user)}. You are signed in.</p><p><a href="/security">Security settings</a></p>`,
    ),
  'GET /security': (req, res, s) => securityPage(res, s),
  'POST /security/totp': async (req, res, s) => {
    const begun = await tollgate.enrollment.beginTotp(forTenant({ userId: s.user, accountName: s.user }));
    const qr = `data:image/png;base64,${begun.qrPng.toString('base64')}`;
    page(
      res,
      s,
      'Set up an authenticator app',
      `<p>Scan this QR code with your authenticator app,
or type the secret in by hand, then enter the code it shows.</p>
<img id="qr" src="${qr}" alt="QR code for ${esc(begun.otpauthUri)}" width="200" height="200">
<p>Secret: <code id="secret">${esc(begun.secretBase32)}</code></p>
<form method="post" action="/security/totp/confirm">${csrf(s)}
<label>Code <input type="text" name="code" autocomplete="one-time-code" inputmode="numeric" required></label>
<button>Turn on</button></form>`,
    );
  },
  'POST /security/totp/confirm': async (req, res, s, form) => {
    let confirmed;
    try {
      confirmed = await tollgate.enrollment.confirmTotp(forTenant({ userId: s.user, code: String(form.code || '') }));
    } catch (err) {
      return securityPage(res, s, `The authenticator app was not set up: ${failure(err)}`);
    }
    // The first method brings recovery codes: shown now and never again.
    if (confirmed.recoveryCodes.length) return recoveryCodesPage(res, s, confirmed.recoveryCodes);
    return redirect(res, '/security');
  },
  'POST /security/passkeys/begin': async (req, res, s) => {
    const begun = await tollgate.enrollment.beginWebAuthnRegistration(
      forTenant({ userId: s.user, userName: s.user, kind: 'WEB_AUTHN_KIND_PASSKEY' }),
    );
    s.registrationId = begun.registrationId;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(begun.creationOptionsJson);
  },
  'POST /security/passkeys/finish': async (req, res, s, form) => {
    let finished;
    try {
      finished = await tollgate.enrollment.finishWebAuthnRegistration(
        forTenant({
          userId: s.user,
          registrationId: s.registrationId || '',
          credentialJson: String(form.credential || ''),
          label: String(form.label || 'Passkey'),
        }),
      );
    } catch (err) {
      return securityPage(res, s, `The passkey was not added: ${failure(err)}`);
    }
    delete s.registrationId;
    if (finished.recoveryCodes.length) return recoveryCodesPage(res, s, finished.recoveryCodes);
    return redirect(res, '/security');
  },
};
// Pages that need a signed-in user.
const SIGNED_IN = new Set([
  '/account',
  '/security',
  '/security/totp',
  '/security/totp/confirm',
  '/security/passkeys/begin',
  '/security/passkeys/finish',
]);

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 64 * 1024) throw new Error('request body too large');
  }
  return Object.fromEntries(new URLSearchParams(body));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://app');
  const s = session(req, res);
  const route = routes[`${req.method} ${url.pathname}`];
  try {
    if (!route) return res.writeHead(404).end('not found');
    if (SIGNED_IN.has(url.pathname) && !s.user) return redirect(res, '/signin');
    const form = req.method === 'POST' ? await readForm(req) : {};
    if (req.method === 'POST' && (form.csrf || req.headers['x-csrf']) !== s.csrf) {
      return res.writeHead(403).end('bad CSRF token: reload the page');
    }
    await route(req, res, s, form, url.searchParams);
  } catch (err) {
    console.error(`${req.method} ${url.pathname}:`, err);
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`error: ${err.message}`);
  }
});

server.listen(Number(args.port), '127.0.0.1', () => {
  console.log(`webapp: http://localhost:${server.address().port}/ (tollgate at ${args.socket})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    tollgate.close();
    process.exit(0);
  });
}
