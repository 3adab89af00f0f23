// SPDX-License-Identifier: MIT
// Browser test of BreakGlass (issue 4 §6): the real `gcas breakglass` listener alone (no
// `gcas serve`) driven through Debian's Chromium, with axe-core checking every page it serves
// for WCAG 2.x A/AA violations: sign-in, second factor, home, the request form and its 422
// re-render, the request page for the requester and for the approver, the local cloud's
// emergency sign-in form, its refusal and the emergency console. Then `gcas serve` is started
// and the main server's /breakglass pages are checked too.
//
// The accounts are registered in advance with the CLI and sqlite3, as tests/e2e/breakglass.sh
// does. Run: tests/browser/run.sh BUILD_DIR
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  cleanEnv, freePort, launchChromium, runAxe, serveGcas, stepper, stopGcas, submit, totpClock, waitReady,
} from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(HERE, '..', '..');
const BUILD = resolve(process.env.GCAS_TEST_BUILD || join(SRC, 'build'));
const GCAS = join(BUILD, 'gcas');
const CHROMIUM = process.env.GCAS_TEST_CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'yuki no hi no asa no michi 2026';
const PM = 'pm@city.example.lg.jp', DEV = 'dev@dev.example.co.jp';
const PM_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', DEV_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

let dir, db, env, listener, server, base, mainBase, browser, devCtx, dev, pmCtx, pm, rid, cloud;
const totpNow = totpClock();
const step = stepper(test);

function gcas(...args) {
  return execFileSync(GCAS, ['--db', db, ...args], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}
const idOf = (out) => (out.match(/^[0-9a-f]{32}$/m) || [])[0];

async function axe(page, what) {
  const result = await runAxe(page);
  assert.ok(result.passes.length > 10, `axe ran on ${what}`);
  const lines = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`).join('\n'));
  assert.equal(result.violations.length, 0, `WCAG A/AA violations on ${what}:\n${lines.join('\n')}`);
}

async function signIn(page, email, secret) {
  let resp = await page.goto(base + '/signin');
  assert.equal(resp.status(), 200);
  await axe(page, 'the listener\'s sign-in');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await submit(page, '/signin');
  assert.match(page.url(), /\/signin\/factor$/);
  await axe(page, 'the second factor');
  await page.locator('input[name="code"]').fill(await totpNow(secret));
  resp = await submit(page, '/signin/factor');
  assert.equal(new URL(page.url()).pathname, '/', `${email} reaches the listener's home`);
  await axe(page, 'the listener\'s home');
}

function credentialMail() {
  const box = join(dir, 'var', 'mail');
  for (const f of existsSync(box) ? readdirSync(box).filter((n) => n.endsWith('.eml')) : []) {
    const raw = readFileSync(join(box, f), 'latin1');
    const [head, body] = raw.split('\r\n\r\n');
    const text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (head.includes(`To: ${DEV}`) && text.includes('パスワード:')) return text;
  }
  return null;
}

before(async () => {
  assert.ok(existsSync(GCAS), `no gcas binary at ${GCAS}`);
  dir = mkdtempSync(join(tmpdir(), 'gcas-browser-bg-'));
  db = `sqlite:${join(dir, 'gcas.db')}`;
  env = cleanEnv();
  execFileSync(GCAS, ['--db', db, 'init', '--password-stdin'], { cwd: dir, env, input: PASSWORD + '\n' });
  const ag = idOf(gcas('org', 'create', 'agency', '--name', '甲市', '--type', 'local', '--code', '131016'));
  const pj = idOf(gcas('org', 'create', 'project', '--parent', ag, '--name', '住民記録'));
  const co = idOf(gcas('org', 'create', 'contractor', '--parent', pj, '--name', '開発株式会社'));
  const person = (email, role, org) => idOf(gcas('user', 'create', '--email', email, '--role', role, '--org', org,
    '--family-name', '試験', '--given-name', '花子', '--family-kana', 'シケン', '--given-kana', 'ハナコ'));
  const pmId = person(PM, 'project_manager', pj), devId = person(DEV, 'contractor_staff', co);
  execFileSync('sqlite3', [join(dir, 'gcas.db'), `
    UPDATE accounts SET status = 'active', activated_at = 1,
      password_hash = (SELECT password_hash FROM accounts WHERE role = 'operator')
      WHERE id IN ('${pmId}', '${devId}');
    UPDATE accounts SET status = 'active' WHERE role = 'operator';
    INSERT INTO factors (id, account_id, kind, label, secret, confirmed, created_at) VALUES
      ('fa000000000000000000000000000001', '${pmId}', 'totp', 'app', '${PM_SECRET}', 1, 1),
      ('fa000000000000000000000000000002', '${devId}', 'totp', 'app', '${DEV_SECRET}', 1, 1);
    INSERT INTO systems (id, project_id, agency_id, name, purpose, lifecycle, csps, environments, contacts,
      period_start, classification, billing_unit, ci_cd, version, created_at, updated_at)
    VALUES ('sys00000000000000000000000000001', '${pj}', '${ag}', '住民記録', '住民票', 'production', 'aws',
      'production', '${pmId}', '2026-04-01', 'c2', '市民課', 0, 1, 0, 0);`]);
  const rq = gcas('env', 'request', '--as', PM, '--project', pj, '--csp', 'aws', '--kind', 'production',
    '--reason', '本番').split('\t')[0];
  gcas('env', 'approve', rq);
  gcas('env', 'fulfil', rq);
  const envId = execFileSync('sqlite3', [join(dir, 'gcas.db'), "SELECT id FROM environments WHERE state = 'active'"])
    .toString().trim();
  gcas('breakglass', 'register', '--account', DEV, '--env', envId, '--role', 'requester');
  gcas('breakglass', 'register', '--account', PM, '--env', envId, '--role', 'approver');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  listener = spawn(GCAS, ['--db', db, 'breakglass', '--breakglass-listen', '127.0.0.1', '--breakglass-port',
    String(port), '--base-url', base], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  listener.log = '';
  listener.stdout.on('data', (d) => { listener.log += d; });
  listener.stderr.on('data', (d) => { listener.log += d; });
  await waitReady(base, listener, () => listener.log);
  browser = await launchChromium(chromium, CHROMIUM);
  // axe runs script in the page, which the CSP forbids: these contexts bypass it (the pages
  // themselves carry no script either way).
  devCtx = await browser.newContext({ bypassCSP: true, locale: 'ja-JP' });
  pmCtx = await browser.newContext({ bypassCSP: true, locale: 'ja-JP' });
  dev = await devCtx.newPage();
  pm = await pmCtx.newPage();
});

after(async () => {
  if (browser) await browser.close();
  await stopGcas(listener);
  await stopGcas(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

step('the requester signs in at the listener (pages pass axe)', async () => {
  await signIn(dev, DEV, DEV_SECRET);
});

step('the request form, its 422 re-render and the request page pass axe', async () => {
  let resp = await dev.goto(base + '/requests/new');
  assert.equal(resp.status(), 200);
  await axe(dev, 'the request form');
  await dev.getByLabel('対象の重要業務').fill('住民票の写しの交付');
  resp = await submit(dev, '/requests/new');
  assert.equal(resp.status(), 422, 'no reason: 422');
  assert.match(await dev.locator('.error-summary').textContent(), /理由/);
  await axe(dev, 'the request form with its messages');
  await dev.getByLabel('理由').fill('SSO基盤の障害のため');
  resp = await submit(dev, '/requests/new');
  assert.equal(resp.status(), 200);
  rid = (new URL(dev.url()).pathname.match(/^\/requests\/([0-9a-f]{32})$/) || [])[1];
  assert.ok(rid, `on the request page: ${dev.url()}`);
  await axe(dev, 'the request page (requester)');
});

step('the approver approves (pages pass axe)', async () => {
  await signIn(pm, PM, PM_SECRET);
  await pm.goto(`${base}/requests/${rid}`);
  await axe(pm, 'the request page (approver)');
  await Promise.all([pm.waitForNavigation(), pm.click('button[name="decision"][value="approve"]')]);
  assert.match(await pm.locator('dl').textContent(), /発行済み/);
  await axe(pm, 'the request page after approval');
});

step('the local cloud\'s emergency sign-in, refusal and console pass axe', async () => {
  let text = null;
  for (let i = 0; i < 60 && !text; i++) {
    text = credentialMail();
    if (!text) await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(text, 'the credential was mailed');
  const user = text.match(/ユーザー名: (\S+)/)[1], pw = text.match(/パスワード: (\S+)/)[1];
  const url = new URL(text.match(/サインインURL: (\S+)/)[1]);
  cloud = url.pathname.split('/')[2];
  const ctx = await browser.newContext({ bypassCSP: true, locale: 'ja-JP' });
  const page = await ctx.newPage();
  await page.goto(base + url.pathname);
  await axe(page, 'the emergency sign-in form');
  await page.getByLabel('ユーザー名').fill(user);
  await page.getByLabel('パスワード').fill('wrong');
  let resp = await submit(page, url.pathname);
  assert.equal(resp.status(), 401);
  await axe(page, 'the refused emergency sign-in');
  await page.getByLabel('パスワード').fill(pw);
  resp = await submit(page, url.pathname);
  assert.equal(resp.status(), 200);
  assert.match(await page.locator('h1').textContent(), /緊急アクセス/);
  await axe(page, 'the emergency console');
  await ctx.close();
});

step('the main server\'s /breakglass pages pass axe', async () => {
  const port = await freePort();
  mainBase = `http://127.0.0.1:${port}`;
  server = serveGcas(GCAS, ['--listen', '127.0.0.1', '--port', String(port), '--db', db, '--base-url', mainBase],
    dir, env);
  await waitReady(mainBase, server, () => server.log);
  const ctx = await browser.newContext({ bypassCSP: true, locale: 'ja-JP' });
  const page = await ctx.newPage();
  await page.goto(mainBase + '/signin');
  await page.getByLabel('メールアドレス').fill(PM);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await submit(page, '/signin');
  await page.locator('input[name="code"]').fill(await totpNow(PM_SECRET));
  await submit(page, '/signin/factor');
  let resp = await page.goto(mainBase + '/breakglass');
  assert.equal(resp.status(), 200);
  await axe(page, '/breakglass');
  await page.getByLabel('アカウント（メールアドレス）').fill('nobody@city.example.lg.jp');
  await page.getByLabel('環境ID').fill('x');
  // (submit() matches by prefix, which the remove forms share: click the register form's own.)
  [resp] = await Promise.all([page.waitForNavigation(),
    page.click('form[action="/breakglass/registrations"] button[type="submit"]')]);
  assert.equal(resp.status(), 422);
  await axe(page, '/breakglass with the register form\'s messages');
  resp = await page.goto(`${mainBase}/breakglass/requests/${rid}`);
  assert.equal(resp.status(), 200);
  await axe(page, 'a use seen from the main server');
  await ctx.close();
});
