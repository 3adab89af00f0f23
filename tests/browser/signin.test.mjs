// SPDX-License-Identifier: MIT
// Browser test of gcas: the real binary (gcas init + gcas serve on 127.0.0.1, as
// tests/e2e/run.sh starts it) driven through Debian's Chromium by Playwright.
//
// The operator signs in with the one-time password, enrols TOTP (the key read from the page,
// the code computed here with node:crypto, RFC 6238), sees the recovery codes and reaches the
// home page; switches to English; creates an agency and its manager; the manager opens the
// set-up link in a fresh browser context, sets a password, signs in and enrols TOTP; the
// operator creates a second agency, which the manager is refused (403). Each step leaves a
// screenshot in tests/browser/artifacts/. axe-core checks the sign-in, enrolment, home and
// accounts pages for WCAG 2.x A/AA violations.
//
// Run: tests/browser/run.sh BUILD_DIR   (or GCAS_TEST_BUILD=BUILD_DIR node --test in this folder)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  cleanEnv, expectStatus, freePort, gcasInit, launchChromium, runAxe, serveGcas, stepper, stopGcas, submit,
  totpClock, waitReady,
} from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(HERE, '..', '..');
const BUILD = resolve(process.env.GCAS_TEST_BUILD || join(SRC, 'build'));
const GCAS = join(BUILD, 'gcas');
const ARTIFACTS = join(HERE, 'artifacts');
const CHROMIUM = process.env.GCAS_TEST_CHROMIUM || '/usr/bin/chromium';
const OPERATOR = 'operator@gcas.example.go.jp';
const MANAGER = 'manager.browser@e2e.example.go.jp';
const MANAGER_PW = 'sakura saku haru no hi 2026';

// ---- the server ------------------------------------------------------------------------------

let dir, server, base, otp;

const totpNow = totpClock();

const step = stepper(test);

// ---- the browser -----------------------------------------------------------------------------

let browser, opCtx, op, mgrCtx, mgr;
const state = {};
let shot = 0;

async function screenshot(page, name) {
  shot += 1;
  const file = join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// axe-core needs to run script in the page, which the CSP forbids (rightly): it runs in a
// separate context with bypassCSP, used for nothing else, carrying the cookies of `from`.
async function axeCheck(url, from) {
  const ctx = await browser.newContext({ bypassCSP: true, locale: 'ja-JP' });
  try {
    if (from) await ctx.addCookies(await from.cookies());
    const page = await ctx.newPage();
    const resp = await page.goto(base + url);
    assert.equal(resp.status(), 200, `axe: ${url} answered ${resp.status()}`);
    assert.equal(new URL(page.url()).pathname, url.split('?')[0], `axe: ${url} was redirected to ${page.url()}`);
    const result = await runAxe(page);
    assert.ok(result.passes.length > 10, `axe ran on ${url} (${result.passes.length} rules passed)`);
    const lines = result.violations.map((v) =>
      `${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`).join('\n'));
    assert.equal(result.violations.length, 0, `WCAG A/AA violations on ${url}:\n${lines.join('\n')}`);
    return result.passes.length;
  } finally {
    await ctx.close();
  }
}

async function signInAndEnrol(page, email, password, label) {
  let resp = await page.goto(base + '/signin');
  assert.equal(resp.status(), 200, 'GET /signin');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(password);
  resp = await submit(page, '/signin');
  assert.match(page.url(), /\/signin\/enrol$/, `${label}: after the password the enrolment page (at ${page.url()})`);
  await screenshot(page, `${label}-enrol`);
  const secret = (await page.locator('.qr-box__secret').textContent()).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{32}$/, `${label}: the key on the page is base32 of 160 bits`);
  assert.equal(await page.locator('.qr-box svg').count(), 1, `${label}: the QR code is shown`);
  await page.locator('input[name="code"]').fill(await totpNow(secret));
  resp = await submit(page, '/signin/enrol');
  assert.equal(resp.status(), 200, `${label}: the enrolment code is accepted`);
  const codes = await page.locator('ul.recovery-codes li').allTextContents();
  assert.equal(codes.length, 10, `${label}: ten recovery codes are shown`);
  assert.equal(new Set(codes).size, 10, `${label}: the recovery codes differ`);
  await screenshot(page, `${label}-recovery-codes`);
  return { secret, codes };
}

before(async () => {
  assert.ok(existsSync(GCAS), `no gcas binary at ${GCAS} (set GCAS_TEST_BUILD)`);
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install -y chromium fonts-noto-cjk)`);
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'gcas-browser-'));
  const db = `sqlite:${join(dir, 'gcas.db')}`;
  const env = cleanEnv();
  // Without a terminal gcas init prints a one-time password.
  otp = gcasInit(GCAS, db, dir, env);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = serveGcas(GCAS, ['--listen', '127.0.0.1', '--port', String(port), '--db', db, '--base-url', base], dir, env);
  await waitReady(base, server, () => server.log);
  browser = await launchChromium(chromium, CHROMIUM);
  opCtx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  op = await opCtx.newPage();
});

after(async () => {
  if (browser) await browser.close();
  await stopGcas(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---- the steps -------------------------------------------------------------------------------

step('axe-core is loaded and reports a known violation (the check can fail)', async () => {
  const ctx = await browser.newContext({ bypassCSP: true });
  try {
    const page = await ctx.newPage();
    await page.goto(base + '/signin');
    await page.setContent('<html lang="ja"><body><main><img src="/static/favicon.svg"><input type="text"></main></body></html>');
    const ids = (await runAxe(page)).violations.map((v) => v.id);
    assert.ok(ids.includes('image-alt'), `axe found: ${ids.join(', ')}`);
    assert.ok(ids.includes('label'), `axe found: ${ids.join(', ')}`);
  } finally {
    await ctx.close();
  }
});

step('the sign-in page is Japanese first and passes axe (WCAG 2.x A/AA)', async () => {
  const resp = await op.goto(base + '/signin');
  assert.equal(resp.status(), 200);
  assert.equal(await op.getAttribute('html', 'lang'), 'ja');
  assert.equal(await op.locator('h1').textContent(), 'サインイン');
  await screenshot(op, 'signin');
  await axeCheck('/signin', null);
});

step('a wrong password shows the one message for every failure', async () => {
  await op.getByLabel('メールアドレス').fill(OPERATOR);
  await op.getByLabel('パスワード').fill('not the password');
  const resp = await submit(op, '/signin');
  assert.equal(resp.status(), 401);
  await screenshot(op, 'signin-wrong-password');
  const msg = await op.locator('.error-summary').textContent();
  assert.match(msg, /メールアドレスまたはパスワードが正しくありません/);
  assert.equal(await op.getByLabel('メールアドレス').inputValue(), OPERATOR, 'the email is kept');
  assert.equal(await op.getByLabel('パスワード').inputValue(), '', 'the password is not echoed');
});

step('the operator signs in with the one-time password and enrols TOTP', async () => {
  // The enrolment page is checked by axe in the middle of the sign-in (a partial session).
  await op.goto(base + '/signin');
  await op.getByLabel('メールアドレス').fill(OPERATOR);
  await op.getByLabel('パスワード').fill(otp);
  await submit(op, '/signin');
  assert.match(op.url(), /\/signin\/enrol$/);
  await axeCheck('/signin/enrol', opCtx);
  await op.goto(base + '/signin'); // signed-in-partially: back to the enrolment page
  const r = await signInAndEnrol(op, OPERATOR, otp, 'operator');
  state.opSecret = r.secret;
});

step('the operator reaches the home page, which passes axe', async () => {
  await Promise.all([op.waitForNavigation(), op.click('a[href="/"].btn, a.button[href="/"], main a[href="/"]')]);
  assert.equal(new URL(op.url()).pathname, '/');
  assert.match(await op.locator('main').textContent(), /ようこそ/);
  await screenshot(op, 'operator-home');
  await axeCheck('/', opCtx);
});

step('the language switch gives the English page', async () => {
  await Promise.all([op.waitForNavigation(), op.getByRole('link', { name: 'English' }).click()]);
  assert.equal(await op.getAttribute('html', 'lang'), 'en');
  assert.equal((await op.locator('h1').textContent()).trim(), 'Home');
  assert.match(await op.locator('main').textContent(), /Welcome/);
  await screenshot(op, 'operator-home-english');
  // The choice sticks (cookie) on the next page, and switching back works (the account list
  // first asks the operator for a purpose, R7.2: the form is a page like any other).
  await op.goto(base + '/accounts');
  assert.equal(await op.getAttribute('html', 'lang'), 'en');
  await Promise.all([op.waitForNavigation(), op.getByRole('link', { name: '日本語' }).click()]);
  assert.equal(await op.getAttribute('html', 'lang'), 'ja');
});

// R7.2 (regulation §5.2.2): the operator states a purpose before reading user information.
step('the account list asks the operator for a purpose first; the form passes axe', async (t) => {
  await axeCheck('/access-purpose', opCtx);
  await op.goto(base + '/accounts');
  assert.equal(new URL(op.url()).pathname, '/access-purpose', 'sent to the purpose form');
  await screenshot(op, 'operator-access-purpose');
  await op.locator('select[name="purpose"]').selectOption('operations');
  await op.locator('input[name="reason"]').fill('browser test');
  const resp = await submit(op, '/access-purpose');
  expectStatus(t, resp, 200, 'POST /access-purpose, then back to /accounts');
  assert.equal(new URL(op.url()).pathname, '/accounts');
});

step('the accounts page passes axe', async (t) => {
  const resp = await op.goto(base + '/accounts');
  expectStatus(t, resp, 200, 'GET /accounts');
  await screenshot(op, 'operator-accounts');
  await axeCheck('/accounts', opCtx);
});

async function createAgency(t, name, code, label) {
  let resp = await op.goto(base + '/orgs/new?kind=agency');
  expectStatus(t, resp, 200, 'GET /orgs/new?kind=agency');
  await op.locator('input[name="name"]').fill(name);
  await op.locator('input[name="agency_type"][value="ministry"]').check();
  await op.locator('input[name="code"]').fill(code);
  await screenshot(op, `${label}-form`);
  resp = await submit(op, '/orgs/new');
  expectStatus(t, resp, 200, 'POST /orgs/new, then its page');
  const id = (op.url().match(/\/orgs\/([0-9a-f]{32})/) || [])[1];
  assert.ok(id, `after creating an agency the browser is on its page (at ${op.url()})`);
  assert.match(await op.locator('main').textContent(), new RegExp(name));
  await screenshot(op, label);
  return id;
}

step('the operator creates an agency', async (t) => {
  state.org1 = await createAgency(t, 'ブラウザ試験庁', 'browser-one', 'agency-created');
});

step('the operator issues the agency manager and gets the set-up link', async (t) => {
  let resp = await op.goto(`${base}/accounts/new?org=${state.org1}`);
  expectStatus(t, resp, 200, 'GET /accounts/new');
  await op.locator('input[name="email"]').fill(MANAGER);
  await op.locator('input[name="family_name"]').fill('試験');
  await op.locator('input[name="given_name"]').fill('桜');
  await op.locator('input[name="family_kana"]').fill('シケン');
  await op.locator('input[name="given_kana"]').fill('サクラ');
  await op.selectOption('select[name="org_id"]', state.org1);
  await op.selectOption('select[name="role"]', 'agency_manager');
  await screenshot(op, 'manager-form');
  resp = await submit(op, '/accounts/new');
  expectStatus(t, resp, 200, 'POST /accounts/new');
  state.setup = await op.locator('#setup_url').inputValue();
  assert.match(state.setup, /^http:\/\/127\.0\.0\.1:\d+\/setup\/[A-Za-z0-9_-]{20,}$/);
  await screenshot(op, 'manager-setup-link');
});

step('the manager opens the set-up link in a fresh context and sets a password', async () => {
  mgrCtx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  mgr = await mgrCtx.newPage();
  let resp = await mgr.goto(state.setup);
  assert.equal(resp.status(), 200);
  assert.match(await mgr.locator('main').textContent(), new RegExp(MANAGER.replace(/\./g, '\\.')));
  await screenshot(mgr, 'setup-form');
  await mgr.locator('input[name="password"]').fill('short');
  await mgr.locator('input[name="password2"]').fill('short');
  resp = await submit(mgr, '/setup/');
  assert.equal(resp.status(), 422, 'a too-short password is refused');
  assert.equal(await mgr.locator('.error-summary').count(), 1);
  await screenshot(mgr, 'setup-refused');
  await mgr.locator('input[name="password"]').fill(MANAGER_PW);
  await mgr.locator('input[name="password2"]').fill(MANAGER_PW);
  resp = await submit(mgr, '/setup/');
  assert.equal(resp.status(), 200);
  await screenshot(mgr, 'setup-done');
});

step('the manager signs in and enrols TOTP', async () => {
  const r = await signInAndEnrol(mgr, MANAGER, MANAGER_PW, 'manager');
  state.mgrSecret = r.secret;
  await mgr.goto(base + '/');
  assert.match(await mgr.locator('main').textContent(), /利用機関GCAS責任者/);
  await screenshot(mgr, 'manager-home');
});

step('the operator creates a second agency', async (t) => {
  state.org2 = await createAgency(t, 'ブラウザ第二庁', 'browser-two', 'second-agency-created');
});

step("the manager is refused the second agency's page (403)", async (t) => {
  let resp = await mgr.goto(`${base}/orgs/${state.org1}`);
  expectStatus(t, resp, 200, "the manager's own agency");
  resp = await mgr.goto(`${base}/orgs/${state.org2}`);
  expectStatus(t, resp, 403, "another agency's page");
  assert.match(await mgr.locator('main').textContent(), /権限がありません/);
  assert.doesNotMatch(await mgr.locator('main').textContent(), /ブラウザ第二庁/, 'nothing of the other agency is shown');
  await screenshot(mgr, 'manager-refused-403');
});

step('gcas serve stops cleanly on SIGTERM', async () => {
  await browser.close();
  browser = null;
  const code = await new Promise((ok) => {
    server.once('exit', (c) => ok(c));
    server.kill('SIGTERM');
  });
  assert.equal(code, 0, `exit status ${code}:\n${server.log.slice(-2000)}`);
  assert.match(server.log, /"msg":"stopped"/);
  assert.doesNotMatch(server.log, /"level":"error"/, 'the server logged no errors');
});
