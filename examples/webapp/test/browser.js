#!/usr/bin/env node
// The example app in a real browser: headless Chromium driven by
// puppeteer-core, with Chromium's virtual authenticator (the DevTools
// WebAuthn domain) standing in for the passkey on the device.
//
//   node test/browser.js --url http://localhost:3000 [--screenshots DIR]
//
// Against a running app (app.js) and tollgate: sign up, set up an
// authenticator app (the secret read from the page, the code computed here
// with RFC 6238), sign out, sign in with password + TOTP code (a wrong one
// first), then with password + recovery code ("try another way"), add a
// passkey, sign out, sign in with password + passkey (trusting the
// browser), sign out, and sign in with the password alone on the trusted
// browser. Each sign-in must land on the signed-in page. Exits 0 when all
// did, 1 otherwise.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const puppeteer = require('puppeteer-core');

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    screenshots: { type: 'string' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
  },
});

// --- The authenticator app: RFC 6238 with SHA-1, 6 digits, 30 s -----------------

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.toUpperCase().replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1e6).padStart(6, '0');
}
const currentStep = () => Math.floor(Date.now() / 30_000);

// --- The test ---------------------------------------------------------------------

function check(condition, what) {
  if (!condition) throw new Error(what);
  console.log(`ok: ${what}`);
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: args.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    defaultViewport: { width: 1000, height: 700 },
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    page.on('dialog', async (dialog) => {
      console.error(`page alert: ${dialog.message()}`);
      await dialog.dismiss();
    });

    // A platform authenticator that holds passkeys and verifies the user.
    const cdp = await page.createCDPSession();
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });

    const shot = async (name) => {
      if (!args.screenshots) return;
      fs.mkdirSync(args.screenshots, { recursive: true });
      await page.screenshot({ path: path.join(args.screenshots, `${name}.png`) });
    };
    const url = (p) => new URL(p, args.url).href;
    const pathname = () => new URL(page.url()).pathname;
    const text = (selector) => page.$eval(selector, (e) => e.textContent.trim());
    // Click something that submits a form (or runs script that does) and
    // wait for the page it lands on.
    const submit = (selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);

    const user = `browser-${crypto.randomBytes(3).toString('hex')}`;
    const password = 'correct horse battery staple';
    const signIn = async () => {
      await page.goto(url('/signin'));
      await page.type('input[name=username]', user);
      await page.type('input[name=password]', password);
      await submit('button[value=signin]');
    };
    const signOut = async () => {
      await submit('header button');
      check(pathname() === '/signin', 'signed out');
    };
    const signedIn = async (how) => {
      check(pathname() === '/account' && (await text('#welcome')).includes(user), `signed in ${how}`);
    };

    // Sign up: no second factor yet, straight to the security page.
    await page.goto(url('/signin'));
    await page.type('input[name=username]', user);
    await page.type('input[name=password]', password);
    await submit('button[value=signup]');
    check(pathname() === '/security', 'signed up, on the security page');

    // Set up an authenticator app: the QR code and secret, then a code.
    await submit('form[action="/security/totp"] button');
    const secret = await text('#secret');
    const qrLoaded = await page.$eval('#qr', (img) => img.complete && img.naturalWidth > 0);
    check(/^[A-Z2-7]{16,}$/.test(secret) && qrLoaded, 'TOTP enrolment shows the QR code and the secret');
    await shot('enrol-totp');
    let usedStep = currentStep();
    await page.type('input[name=code]', totp(secret, usedStep));
    await submit('form[action="/security/totp/confirm"] button');
    const codes = await page.$$eval('#recovery-codes li', (items) => items.map((li) => li.textContent));
    check(codes.length === 8, 'TOTP on, 8 recovery codes shown once');
    await shot('recovery-codes');
    await page.goto(url('/security'));
    check((await text('#totp-state')) === 'On.', 'the security page says the authenticator app is on');
    await signOut();

    // Sign in: password, then the code the app shows. Each step is accepted
    // once, and ConfirmTotp spent one: answer with the next (tollgate
    // accepts the current step and one either side).
    await signIn();
    check(pathname() === '/second-factor', 'the password leads to the second-factor page');
    check(await page.$('input[name=code]'), 'the default method asks for a code');
    await shot('second-factor-totp');
    // A typo first: refused, and the page says so.
    const near = new Set([-2, -1, 0, 1, 2].map((d) => totp(secret, currentStep() + d)));
    let wrong = 0;
    while (near.has(String(wrong).padStart(6, '0'))) wrong++;
    await page.type('input[name=code]', String(wrong).padStart(6, '0'));
    await submit('form[action="/second-factor"] button');
    check(pathname() === '/second-factor' && (await page.$('.error')), 'a wrong code is refused on the page');
    usedStep = Math.max(currentStep(), usedStep + 1);
    await page.type('input[name=code]', totp(secret, usedStep));
    await submit('form[action="/second-factor"] button');
    await signedIn('with password + TOTP code');
    await signOut();

    // "Try another way": a recovery code, spent.
    await signIn();
    await submit('a[href="/second-factor?method=METHOD_RECOVERY_CODE"]');
    await page.type('input[name=code]', codes[0]);
    await submit('form[action="/second-factor"] button');
    await signedIn('with password + recovery code');
    await page.goto(url('/security'));
    check((await page.content()).includes('Recovery codes left: 7'), 'one recovery code fewer');

    // Add a passkey: navigator.credentials.create on the virtual authenticator.
    await page.goto(url('/security'));
    await page.$eval('input[name=label]', (e) => {
      e.value = '';
    });
    await page.type('input[name=label]', 'This laptop');
    await submit('#add-passkey');
    check(pathname() === '/security', 'back on the security page after adding the passkey');
    const keys = await page.$$eval('#passkeys tr td:first-child', (cells) => cells.map((c) => c.textContent));
    check(keys.length === 1 && keys[0] === 'This laptop', 'the passkey is listed');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    check(credentials.length === 1, 'the authenticator holds one credential');
    await shot('passkeys');
    await signOut();

    // "Sign in as someone else" leaves the second-factor page (and cancels the challenge).
    await signIn();
    await submit('form[action="/signout"] button'); // no header form before sign-in
    check(pathname() === '/signin', '"sign in as someone else" goes back to the password page');

    // Sign in with the passkey ("try another way" when it is not the
    // default), and trust this browser.
    await signIn();
    check(pathname() === '/second-factor', 'the password leads to the second-factor page again');
    if (!(await page.$('#use-passkey'))) {
      await submit('a[href="/second-factor?method=METHOD_WEBAUTHN"]');
    }
    await page.click('input[name=remember]');
    await shot('second-factor-passkey');
    await submit('#use-passkey');
    await signedIn('with password + passkey');
    await shot('signed-in');
    await signOut();

    // The trusted browser: the password is enough until the token expires.
    await signIn();
    await signedIn('with the password alone on the trusted browser');
    console.log('browser test: PASS');
    return 0;
  } catch (err) {
    // Where it stopped, for the CI log.
    const page = (await browser.pages()).pop();
    if (page) {
      const body = await page.evaluate(() => document.body && document.body.innerText).catch(() => '');
      console.error(`at ${page.url()}:\n${body}`);
    }
    throw err;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`browser test: FAIL: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 1;
  },
);
