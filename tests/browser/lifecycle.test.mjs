// SPDX-License-Identifier: MIT
// Browser test of the account lifecycle (issue 3 §8), on the real binary and Debian's Chromium:
// a contractor_manager applies for a contractor engineer with the identity declaration (R2.1),
// the project_manager approves (別表1), the operator fulfils (別表3); the engineer receives the
// set-up mail (an .eml written by the mail job, R5.5), opens the link (which verifies the
// address, R2.8), sets a password and TOTP and signs in. Then the clock moves on (gcas --now):
// the managers sign in on day 60, the daily job runs on day 91 and disables the engineer (R2.4),
// whose sign-in is refused; the contractor_manager applies to re-enable, the project_manager
// approves, the operator fulfils, and the engineer signs in again.
//
// Fixtures that are not the subject (organisations, the two managers) are made with the CLI.
// Screenshots go to tests/browser/artifacts/lifecycle/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  cleanEnv, expectStatus, freePort, gcasInit, launchChromium, runAxe, serveGcas, signInAndEnrolTotp, stepper,
  stopGcas, submit, totpClock, waitReady,
} from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(HERE, '..', '..');
const BUILD = resolve(process.env.GCAS_TEST_BUILD || join(SRC, 'build'));
const GCAS = join(BUILD, 'gcas');
const ARTIFACTS = join(HERE, 'artifacts', 'lifecycle');
const CHROMIUM = process.env.GCAS_TEST_CHROMIUM || '/usr/bin/chromium';
const DAY = 86400;
const OPERATOR = 'operator@gcas.example.go.jp';
const PM = 'pm.lifecycle@e2e.example.go.jp';
const CM = 'cm.lifecycle@contractor.example.co.jp';
const ENGINEER = 'engineer.lifecycle@contractor.example.co.jp';
const PW = { [PM]: 'project manager pass 2026', [CM]: 'contractor manager pass 2026', [ENGINEER]: 'kumo no ue de hataraku hi 2026' };

let dir, db, env, server, base, port, otp;
let shift = 0; // seconds the server's clock runs ahead of ours (gcas --now: now + shift)
const T0 = Math.floor(Date.now() / 1000);
const totpNow = totpClock(() => shift);
const step = stepper(test);
const secrets = {};
const state = {};
let browser, shot = 0;
const pages = {}; // one browser context per person

function gcas(args) {
  const now = shift ? ['--now', String(Math.floor(Date.now() / 1000) + shift)] : [];
  return execFileSync(GCAS, [...args, '--db', db, '--base-url', base, ...now],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

async function startServer() {
  const now = shift ? ['--now', String(Math.floor(Date.now() / 1000) + shift)] : [];
  server = serveGcas(GCAS, ['--listen', '127.0.0.1', '--port', String(port), '--db', db, '--base-url', base, ...now],
    dir, env);
  await waitReady(base, server, () => server.log);
}

async function stopServer() {
  await stopGcas(server);
}

// Restart everything "days" after T0: a new server clock, and new browser sessions (the old
// ones are long expired by then).
async function travel(days) {
  await stopServer();
  shift = days * DAY;
  for (const who of Object.keys(pages)) {
    await pages[who].context().close();
    delete pages[who];
  }
  await startServer();
}

async function screenshot(page, name) {
  shot += 1;
  await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function pageOf(who) {
  if (!pages[who]) {
    const ctx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
    pages[who] = await ctx.newPage();
  }
  return pages[who];
}

// axe-core needs script in the page, which the CSP forbids: a separate bypassCSP context
// carrying the cookies of `from`.
async function axeCheck(url, from) {
  const ctx = await browser.newContext({ bypassCSP: true, locale: 'ja-JP' });
  try {
    await ctx.addCookies(await from.context().cookies());
    const page = await ctx.newPage();
    const resp = await page.goto(base + url);
    assert.equal(resp.status(), 200, `axe: ${url} answered ${resp.status()}`);
    const result = await runAxe(page);
    const lines = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
    assert.equal(result.violations.length, 0, `WCAG A/AA violations on ${url}:\n${lines.join('\n')}`);
  } finally {
    await ctx.close();
  }
}

async function setPasswordAndEnrol(page, link, email, label) {
  let resp = await page.goto(link);
  assert.equal(resp.status(), 200, `${label}: the set-up link opens`);
  await page.locator('input[name="password"]').fill(PW[email]);
  await page.locator('input[name="password2"]').fill(PW[email]);
  resp = await submit(page, '/setup/');
  assert.equal(resp.status(), 200, `${label}: the password is accepted`);
  const secret = await signInAndEnrolTotp(page, base, email, PW[email], totpNow);
  secrets[email] = secret;
}

// Sign in with password and TOTP; returns the status of the page after the password.
async function signIn(page, email) {
  await page.context().clearCookies(); // a fresh sign-in, whatever came before
  await page.goto(base + '/signin');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(PW[email] ?? otp);
  const resp = await submit(page, '/signin');
  if (!/\/signin\/factor$/.test(page.url())) return resp.status();
  await page.locator('input[name="code"]').fill(await totpNow(secrets[email]));
  const r2 = await submit(page, '/signin/factor');
  assert.equal(new URL(page.url()).pathname, '/', `${email}: home after the second factor (at ${page.url()})`);
  return r2.status();
}

// The newest .eml in var/mail addressed to `to`, its body decoded (base64 UTF-8 text).
function mailTo(to) {
  const mdir = join(dir, 'var', 'mail');
  if (!existsSync(mdir)) return null;
  const files = readdirSync(mdir).filter((f) => f.endsWith('.eml')).sort().reverse();
  for (const f of files) {
    const raw = readFileSync(join(mdir, f), 'latin1');
    const sep = raw.indexOf('\r\n\r\n');
    const head = raw.slice(0, sep).replace(/\r\n[ \t]/g, ' ');
    if (!new RegExp(`^To:.*${to.replace(/[.]/g, '\\.')}`, 'mi').test(head)) continue;
    const body = raw.slice(sep + 4);
    const text = /content-transfer-encoding:\s*base64/i.test(head)
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
    return { head, text };
  }
  return null;
}

async function openApplication(page, id) {
  const resp = await page.goto(`${base}/applications/${id}`);
  assert.equal(resp.status(), 200, `GET /applications/${id}`);
}

async function act(page, id, op, label) {
  await openApplication(page, id);
  const resp = await submit(page, `/applications/${id}/${op}`);
  assert.ok(resp.status() < 400, `${label}: ${op} answered ${resp.status()}`);
  await openApplication(page, id);
  await screenshot(page, label);
}

async function stateOf(page, id) {
  await openApplication(page, id);
  return (await page.locator('main').textContent()).replace(/\s+/g, ' ');
}

before(async () => {
  assert.ok(existsSync(GCAS), `no gcas binary at ${GCAS} (set GCAS_TEST_BUILD)`);
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'gcas-lifecycle-'));
  db = `sqlite:${join(dir, 'gcas.db')}`;
  env = cleanEnv();
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  otp = gcasInit(GCAS, db, dir, env);
  state.agency = gcas(['org', 'create', 'agency', '--name', 'ライフサイクル試験省', '--type', 'ministry', '--code', 'lifecycle']).trim();
  state.project = gcas(['org', 'create', 'project', '--parent', state.agency, '--name', '申請システム']).trim();
  state.contractor = gcas(['org', 'create', 'contractor', '--parent', state.project, '--name', '試験開発株式会社']).trim();
  for (const [email, role, org, fam, giv, fk, gk] of [
    [PM, 'project_manager', state.project, '計画', '太郎', 'ケイカク', 'タロウ'],
    [CM, 'contractor_manager', state.contractor, '委託', '花子', 'イタク', 'ハナコ']]) {
    const o = gcas(['user', 'create', '--email', email, '--role', role, '--org', org,
      '--family-name', fam, '--given-name', giv, '--family-kana', fk, '--given-kana', gk]);
    state[email] = (o.match(/set-up link \(shown once\): (\S+)/) || [])[1];
    assert.ok(state[email], `gcas user create printed a set-up link:\n${o}`);
  }
  await startServer();
  browser = await launchChromium(chromium, CHROMIUM);
});

after(async () => {
  if (browser) await browser.close();
  await stopServer();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

step('the operator, the project manager and the contractor manager set up their sign-in', async () => {
  secrets[OPERATOR] = await signInAndEnrolTotp(await pageOf(OPERATOR), base, OPERATOR, otp, totpNow);
  await setPasswordAndEnrol(await pageOf(PM), state[PM], PM, 'project manager');
  await setPasswordAndEnrol(await pageOf(CM), state[CM], CM, 'contractor manager');
});

step('the contractor manager applies for an engineer, with the identity declaration', async (t) => {
  const cm = await pageOf(CM);
  assert.equal(await signIn(cm, CM), 200);
  let resp = await cm.goto(`${base}/applications/new?kind=create&org=${state.contractor}`);
  expectStatus(t, resp, 200, 'GET the create application form');
  await cm.locator('input[name="email"]').fill(ENGINEER);
  await cm.locator('input[name="family_name"]').fill('技術');
  await cm.locator('input[name="given_name"]').fill('一郎');
  await cm.locator('input[name="family_kana"]').fill('ギジュツ');
  await cm.locator('input[name="given_kana"]').fill('イチロウ');
  const today = new Date((T0 + 9 * 3600) * 1000).toISOString().slice(0, 10);
  await cm.locator('input[name="verified_on"]').fill(today);
  await cm.locator('input[name="scope"][value="contractor_nda"]').check();
  await cm.locator('input[name="system_name"]').fill('申請システム');
  await cm.locator('input[name="nda_confirmed"]').check();
  // The Individual Number is refused wherever it is typed (番号法): 123456789018 has a valid
  // check digit.
  await cm.locator('textarea[name="reason"]').fill('個人番号 123456789018 で確認');
  await screenshot(cm, 'create-form');
  resp = await submit(cm, '/applications/new');
  expectStatus(t, resp, 422, 'a reason holding an Individual Number');
  assert.equal(await cm.locator('input[name="email"]').inputValue(), ENGINEER, 'what was typed is kept');
  await screenshot(cm, 'create-refused-individual-number');
  await cm.locator('textarea[name="reason"]').fill('申請システムの開発に従事するため');
  resp = await submit(cm, '/applications/new');
  expectStatus(t, resp, 200, 'POST the create application');
  state.createApp = (cm.url().match(/\/applications\/([0-9a-f]{32})/) || [])[1];
  assert.ok(state.createApp, `on the application's page (at ${cm.url()})`);
  assert.match(await stateOf(cm, state.createApp), /提出済み|申請中|submitted/i);
  await screenshot(cm, 'create-submitted');
  await axeCheck(`/applications/${state.createApp}`, cm);
  await axeCheck(`/applications/new?kind=create&org=${state.contractor}`, cm);
});

step('the identity declaration prints as a form', async (t) => {
  const cm = await pageOf(CM);
  const resp = await cm.goto(`${base}/applications/${state.createApp}/declaration`);
  expectStatus(t, resp, 200, 'GET the declaration');
  await cm.emulateMedia({ media: 'print' });
  assert.equal(await cm.locator('nav').first().isVisible().catch(() => false), false, 'no navigation in print');
  await screenshot(cm, 'declaration-print');
  await cm.emulateMedia({ media: 'screen' });
});

step('the lifecycle tools pass axe (WCAG 2.x A/AA) and look right', async () => {
  const op = await pageOf(OPERATOR);
  for (const [url, name] of [['/calendar?year=2026', 'calendar'], ['/reviews', 'reviews'],
    ['/reviews/new', 'review-new'], ['/admin/mail-blocklist', 'mail-blocklist'],
    ['/applications/queue', 'queue-empty'], ['/reports/slo?month=2026-11', 'slo-report'],
    ['/systems', 'systems']]) {
    const resp = await op.goto(base + url);
    assert.equal(resp.status(), 200, `GET ${url}`);
    await screenshot(op, `tool-${name}`);
    await axeCheck(url, op);
  }
  const cm = await pageOf(CM);
  for (const [url, name] of [['/import', 'import'], ['/applications', 'applications'],
    [`/orgs/${state.project}/system`, 'system-form']]) {
    const resp = await cm.goto(base + url);
    assert.equal(resp.status(), 200, `GET ${url} as the contractor manager`);
    await screenshot(cm, `tool-${name}`);
    await axeCheck(url, cm);
  }
});

step('the contractor manager cannot approve their own application; the project manager approves', async () => {
  const cm = await pageOf(CM);
  await openApplication(cm, state.createApp);
  assert.equal(await cm.locator(`form[action="/applications/${state.createApp}/approve"]`).count(), 0,
    'no approve button for the applicant');
  const pm = await pageOf(PM);
  assert.equal(await signIn(pm, PM), 200);
  await act(pm, state.createApp, 'approve', 'create-approved');
  assert.match(await stateOf(pm, state.createApp), /承認済み|approved/i);
});

step('the operator fulfils it from the queue, and the set-up mail reaches the engineer', async (t) => {
  const op = await pageOf(OPERATOR);
  const resp = await op.goto(base + '/applications/queue');
  expectStatus(t, resp, 200, 'GET the fulfilment queue');
  assert.match(await op.locator('main').textContent(), /技術/);
  await screenshot(op, 'operator-queue');
  await act(op, state.createApp, 'fulfil', 'create-fulfilled');
  assert.match(await stateOf(op, state.createApp), /完了|fulfilled/i);
  gcas(['mail', 'deliver']);
  const m = mailTo(ENGINEER);
  assert.ok(m, 'an .eml for the engineer is in var/mail');
  assert.match(m.head, /^Subject: =\?UTF-8\?B\?/mi, 'the subject is RFC 2047 encoded');
  state.setup = (m.text.match(/https?:\/\/\S+\/setup\/[A-Za-z0-9_-]+/) || [])[0];
  assert.ok(state.setup, `the mail carries the set-up link:\n${m.text}`);
});

step('the engineer opens the link, sets a password and TOTP, and signs in', async () => {
  const eng = await pageOf(ENGINEER);
  await setPasswordAndEnrol(eng, state.setup, ENGINEER, 'engineer');
  await eng.goto(base + '/');
  assert.match(await eng.locator('main').textContent(), /開発運用委託業者GCAS担当者/);
  await screenshot(eng, 'engineer-home');
  state.engineerId = gcas(['user', 'list', '--org', state.contractor]).split('\n')
    .find((l) => l.includes(ENGINEER)).split('\t')[0];
  assert.match(state.engineerId, /^[0-9a-f]{32}$/);
});

step('day 60: the managers sign in; day 91: the daily job disables the unused engineer (R2.4)', async () => {
  await travel(60);
  assert.equal(await signIn(await pageOf(PM), PM), 200);
  assert.equal(await signIn(await pageOf(CM), CM), 200);
  await stopServer();
  shift = 91 * DAY;
  gcas(['jobs', 'run']);
  await travel(91);
  const eng = await pageOf(ENGINEER);
  const status = await signIn(eng, ENGINEER);
  assert.equal(status, 401, 'the disabled engineer is refused with the one failure message');
  assert.match(await eng.locator('.error-summary').textContent(), /正しくありません/);
  await screenshot(eng, 'engineer-refused-day-91');
  gcas(['mail', 'deliver']);
  assert.ok(mailTo(ENGINEER), 'the engineer was told by mail');
});

step('a re-enable application by the contractor manager, approved and fulfilled, brings it back', async (t) => {
  const cm = await pageOf(CM);
  assert.equal(await signIn(cm, CM), 200);
  let resp = await cm.goto(`${base}/applications/new?kind=reenable&account=${state.engineerId}`);
  expectStatus(t, resp, 200, 'GET the re-enable form');
  await cm.locator('textarea[name="reason"]').fill('開発再開のため再有効化を申請します');
  await screenshot(cm, 'reenable-form');
  resp = await submit(cm, '/applications/new');
  expectStatus(t, resp, 200, 'POST the re-enable application');
  state.reenableApp = (cm.url().match(/\/applications\/([0-9a-f]{32})/) || [])[1];
  assert.ok(state.reenableApp);
  const pm = await pageOf(PM);
  assert.equal(await signIn(pm, PM), 200);
  await act(pm, state.reenableApp, 'approve', 'reenable-approved');
  const op = await pageOf(OPERATOR);
  assert.equal(await signIn(op, OPERATOR), 200);
  await act(op, state.reenableApp, 'fulfil', 'reenable-fulfilled');
  const eng = await pageOf(ENGINEER);
  assert.equal(await signIn(eng, ENGINEER), 200);
  assert.equal(new URL(eng.url()).pathname, '/');
  await screenshot(eng, 'engineer-back-day-91');
});

step('gcas serve stops cleanly and logged no errors', async () => {
  const code = await new Promise((ok) => {
    server.once('exit', (c) => ok(c));
    server.kill('SIGTERM');
  });
  assert.equal(code, 0, `exit status ${code}:\n${server.log.slice(-2000)}`);
  assert.doesNotMatch(server.log, /"level":"error"/, 'the server logged no errors');
});
