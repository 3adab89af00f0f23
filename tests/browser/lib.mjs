// SPDX-License-Identifier: MIT
// What the browser tests share: starting the real gcas binary on a free port, TOTP codes
// (RFC 6238) on the server's clock, form submission, and axe-core.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';

export const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// Wait until url/readyz answers 200; log() gives the server's output so far for the message.
export async function waitReady(url, proc, log) {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`gcas serve exited (${proc.exitCode}):\n${log()}`);
    try {
      const r = await fetch(url + '/readyz');
      if (r.status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gcas serve did not answer /readyz within 20 s:\n${log()}`);
}

export function expectStatus(t, resp, want, what) {
  const got = resp ? resp.status() : 0;
  assert.equal(got, want, `${what}: HTTP ${got}, expected ${want}`);
}

// The environment for gcas with no inherited settings: gcas refuses unknown GCAS_* variables
// and would apply known ones.
export function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) =>
    !k.startsWith('GCAS_') || k.startsWith('GCAS_TEST_') || k.startsWith('GCAS_PG_')));
}

// ---- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps) ----------------------------------------

export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totpAt(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const n = mac.readUInt32BE(off) & 0x7fffffff;
  return String(n % 1000000).padStart(6, '0');
}

// A code generator for a server whose clock runs shift() seconds ahead of this one (gcas
// --now). The server accepts steps now-1..now+1 but each only once: a second sign-in within
// the same 30 s takes the next step's code, a third waits for the clock.
export function totpClock(shift = () => 0) {
  const lastStep = new Map();
  return async function totpNow(secret) {
    for (;;) {
      const now = Math.floor(Date.now() / 1000) + shift();
      const cur = Math.floor(now / 30);
      const step = Math.max(cur, (lastStep.get(secret) ?? -1) + 1);
      if (step <= cur + 1) {
        lastStep.set(secret, step);
        return totpAt(secret, step);
      }
      await new Promise((r) => setTimeout(r, ((cur + 1) * 30 - now) * 1000 + 500));
    }
  };
}

// ---- pages -----------------------------------------------------------------------------------

// Click the submit button of the form whose action starts with action; the navigation's response.
export async function submit(page, action) {
  const [resp] = await Promise.all([
    page.waitForNavigation(),
    page.click(`form[action^="${action}"] button[type="submit"]:not([name="draft"])`),
  ]);
  return resp;
}

export async function runAxe(page) {
  await page.addScriptTag({ path: AXE });
  // eslint-disable-next-line no-undef
  return page.evaluate((tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG_A_AA);
}

// Steps that depend on each other: after the first failure the rest are skipped, naming it.
export function stepper(test) {
  let broken = null;
  return function step(name, fn) {
    test(name, async (t) => {
      if (broken) {
        t.skip(`an earlier step failed: ${broken}`);
        return;
      }
      try {
        await fn(t);
      } catch (e) {
        broken = name;
        throw e;
      }
    });
  };
}

// ---- the server and the browser ---------------------------------------------------------------

// `gcas init` on db without a terminal: returns the one-time password it prints.
export function gcasInit(gcas, db, cwd, env) {
  const out = execFileSync(gcas, ['init', '--db', db], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const otp = (out.match(/one-time password \(shown once\): ([A-Z2-7]+)/) || [])[1];
  assert.ok(otp, `gcas init printed no one-time password:\n${out}`);
  return otp;
}

// `gcas serve ARGS` in cwd; the process, with everything it printed in .log.
export function serveGcas(gcas, args, cwd, env) {
  const proc = spawn(gcas, ['serve', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.log = '';
  proc.stdout.on('data', (d) => { proc.log += d; });
  proc.stderr.on('data', (d) => { proc.log += d; });
  return proc;
}

// SIGTERM and wait; the exit code (null when it had already ended).
export async function stopGcas(proc) {
  if (!proc || proc.exitCode !== null) return null;
  const done = new Promise((r) => proc.once('exit', (c) => r(c)));
  proc.kill('SIGTERM');
  return done;
}

export function launchChromium(chromium, executablePath) {
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

// The first sign-in of an account: password, then TOTP enrolment (the key read from the page);
// returns the TOTP secret. The page is left on the recovery codes.
export async function signInAndEnrolTotp(page, base, email, password, totpNow) {
  await page.goto(base + '/signin');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(password);
  await submit(page, '/signin');
  assert.match(page.url(), /\/signin\/enrol$/, `${email}: enrolment follows the password (at ${page.url()})`);
  const secret = (await page.locator('.qr-box__secret').textContent()).replace(/\s+/g, '');
  await page.locator('input[name="code"]').fill(await totpNow(secret));
  const resp = await submit(page, '/signin/enrol');
  assert.equal(resp.status(), 200, `${email}: the enrolment code is accepted`);
  return secret;
}
