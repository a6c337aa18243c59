// Browser test harness: a real `impetus serve` on a temporary SQLite file, the built interface
// (web/dist), and Debian's Chromium driven by playwright-core, kept off the network.

import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const webRoot = join(here, '..', 'dist');
export const impetus = process.env.IMPETUS_BINARY ?? join(root, 'build', 'src', 'impetus');
export const sharedData = join(root, '..', 'shared', 'data');
const require = createRequire(import.meta.url);

export function cli(args, db, input) {
  return execFileSync(impetus, [...args, '--db', db], { encoding: 'utf8', input });
}

// The instance administrator every test server starts with.
export const ADMIN = { email: 'admin@example.org', password: 'a long passphrase' };

// The real register, or a failure when CI runs without it.
export function osmExtracts(t) {
  const dir = join(sharedData, 'osm');
  if (existsSync(join(dir, 'liechtenstein-2024-03-04.osm.pbf'))) return dir;
  if (process.env.CI) throw new Error(`shared test data missing in CI: ${dir}`);
  t.skip('shared data not present');
  return null;
}

export function brightonRegister(t) {
  const file = join(sharedData, 'brownfield', 'brighton-and-hove.csv');
  if (existsSync(file)) return file;
  if (process.env.CI) throw new Error(`shared test data missing in CI: ${file}`);
  t.skip('shared data not present');
  return null;
}

// A port free on the loopback now, for a server whose public URL must be known before it
// starts (the links in its e-mails).
async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startServer({ workspaces = [], serveArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'impetus-web-'));
  const db = join(dir, 'web.db');
  for (const ws of workspaces) {
    // Without `center` the workspace has no map view, as one created without --center.
    const view = ws.center ? ['--center', ws.center, '--zoom', String(ws.zoom ?? 13)] : [];
    cli(['workspace', 'create', ws.slug, '--name', ws.name, ...view], db);
    for (const file of ws.imports ?? []) cli(['import', file, '--workspace', ws.slug], db);
  }
  cli(['user', 'create', ADMIN.email, '--admin', '--name', 'Ada Admin', '--password-stdin'], db, `${ADMIN.password}\n`);
  const port = await freePort();
  const proc = spawn(impetus, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--public-url', `http://127.0.0.1:${port}`,
    '--web-root', webRoot, ...serveArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20000);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return {
    base,
    db,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Flags that keep Chromium off the network (this machine has none) and quiet.
const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--metrics-recording-only', '--mute-audio',
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

// A page that fails any request leaving the machine (map tiles included: the interface must
// work without them) and records script errors.
export async function newPage(browser, base, { width = 1280, height = 900, locale = 'en-GB', signedIn = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale });
  if (signedIn) {
    // The session cookie lands in the browser context, as after signing in through the form.
    const res = await context.request.post(`${base}/api/v1/auth/login`, { data: ADMIN });
    if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  }
  const page = await context.newPage();
  const origin = new URL(base).origin;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    return route.abort();
  });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

// axe-core's WCAG 2.1 A and AA rules on the page as it is now.
export async function axeViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  }));
}

// Where the tests leave their screenshots: build/screenshots (ignored by git), so that a test
// run leaves the work tree as it found it. scripts/screenshots.sh copies the ones the README
// shows into docs/screenshots.
export function screenshotDir() {
  const dir = process.env.IMPETUS_SCREENSHOTS ?? join(root, 'build', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
