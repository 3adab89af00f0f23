// SPDX-License-Identifier: MIT
// Browser test of security keys (WebAuthn, issue 4 §5) with Chromium's virtual authenticator
// (CDP WebAuthn domain): the real gcas binary serves http://localhost (a secure context, and a
// valid RP id); the operator signs in with TOTP, registers a security key on /settings/webauthn
// (static/webauthn.js runs navigator.credentials.create under the page's CSP), signs out, and
// signs in again choosing "セキュリティキーを使う" at the second-factor step. Checks the CSP:
// script-src 'self' only on the two WebAuthn pages, no script anywhere else.
//
// Run: tests/browser/run.sh BUILD_DIR
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  cleanEnv, freePort, gcasInit, launchChromium, serveGcas, signInAndEnrolTotp, stepper, stopGcas, submit,
  totpClock, waitReady,
} from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(HERE, '..', '..');
const BUILD = resolve(process.env.GCAS_TEST_BUILD || join(SRC, 'build'));
const GCAS = join(BUILD, 'gcas');
const ARTIFACTS = join(HERE, 'artifacts');
const CHROMIUM = process.env.GCAS_TEST_CHROMIUM || '/usr/bin/chromium';
const OPERATOR = 'operator@gcas.example.go.jp';

let dir, server, base, otp, browser, ctx, page, cdp, authId;
const totpNow = totpClock();
const step = stepper(test);

async function screenshot(name) {
  await page.screenshot({ path: join(ARTIFACTS, `webauthn-${name}.png`), fullPage: true });
}

before(async () => {
  assert.ok(existsSync(GCAS), `no gcas binary at ${GCAS} (set GCAS_TEST_BUILD)`);
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`);
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'gcas-webauthn-'));
  const db = `sqlite:${join(dir, 'gcas.db')}`;
  const env = cleanEnv();
  otp = gcasInit(GCAS, db, dir, env);
  const port = await freePort();
  // WebAuthn needs a secure context and a domain as RP id: http://localhost is both.
  base = `http://localhost:${port}`;
  server = serveGcas(GCAS, ['--listen', '127.0.0.1', '--port', String(port), '--db', db, '--base-url', base], dir, env);
  await waitReady(`http://127.0.0.1:${port}`, server, () => server.log);
  browser = await launchChromium(chromium, CHROMIUM);
  ctx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  page = await ctx.newPage();
  cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  ({ authenticatorId: authId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'usb', hasResidentKey: false, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true,
    },
  }));
});

after(async () => {
  if (browser) await browser.close();
  await stopGcas(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (process.exitCode && server) process.stderr.write(server.log.slice(-4000));
});

step('the operator signs in with the one-time password and enrols TOTP', async () => {
  await signInAndEnrolTotp(page, base, OPERATOR, otp, totpNow);
});

step('settings runs no script; the registration page allows only our own script', async () => {
  let resp = await page.goto(base + '/settings');
  assert.equal(resp.status(), 200);
  const csp = resp.headers()['content-security-policy'];
  assert.ok(!/script-src/.test(csp), `settings CSP has no script-src: ${csp}`);
  assert.match(csp, /default-src 'none'/);
  resp = await page.goto(base + '/settings/webauthn');
  assert.equal(resp.status(), 200);
  assert.match(resp.headers()['content-security-policy'], /script-src 'self'/);
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
});

step('a security key is registered with the virtual authenticator', async () => {
  await page.getByLabel('キーの名前').fill('仮想キー');
  await Promise.all([
    page.waitForURL(/\/settings\?done=webauthn_added$/),
    page.click('form[action="/settings/webauthn"] button[type="submit"]'),
  ]);
  assert.match(await page.locator('main').textContent(), /仮想キー/);
  await screenshot('registered');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: authId });
  assert.equal(credentials.length, 1, 'the authenticator holds one credential');
  assert.equal(credentials[0].rpId, 'localhost');
});

step('registering the same authenticator again is refused (excludeCredentials)', async () => {
  await page.goto(base + '/settings/webauthn');
  await page.getByLabel('キーの名前').fill('二つ目');
  await page.click('form[action="/settings/webauthn"] button[type="submit"]');
  // The browser refuses an excluded credential, so the script shows its message and stays.
  await page.locator('.webauthn-status:not([hidden])').waitFor({ timeout: 10000 });
  assert.equal(new URL(page.url()).pathname, '/settings/webauthn');
});

step('after signing out, the factor step offers the key and it signs in', async () => {
  await page.goto(base + '/settings');
  await submit(page, '/signout');
  await page.goto(base + '/signin');
  await page.getByLabel('メールアドレス').fill(OPERATOR);
  await page.getByLabel('パスワード').fill(otp);
  await submit(page, '/signin');
  assert.match(page.url(), /\/signin\/factor$/);
  assert.equal(await page.locator('script').count(), 0, 'the factor page runs no script');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'セキュリティキーを使う' }).click()]);
  assert.match(page.url(), /\/signin\/webauthn$/);
  await screenshot('signin');
  const [resp] = await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === '/'),
    page.click('form[action="/signin/webauthn"] button[type="submit"]'),
  ]);
  void resp;
  assert.equal(new URL(page.url()).pathname, '/');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: authId });
  assert.ok(credentials[0].signCount >= 1, `the counter advanced (${credentials[0].signCount})`);
  const r = await page.goto(base + '/settings');
  assert.equal(r.status(), 200, 'fully signed in');
});
