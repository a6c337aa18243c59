// Accounts in the browser: the back office asks for a sign-in and comes back after it, wrong
// passwords are refused, the e-mailed confirmation link works, signing out ends the session.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root, ADMIN, startServer, launchBrowser, newPage, axeViolations } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startServer({
    workspaces: [{ slug: 'demo', name: 'Demo city', center: '3.0573,50.6292', zoom: 13, imports: [join(root, 'data', 'demo', 'spaces.geojson')] }],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the back office asks for a sign-in and returns to the page after it', async () => {
  const page = await newPage(browser, server.base);
  await page.goto(`${server.base}/w/demo/admin?q=cinema`);
  await page.getByRole('heading', { name: 'Please sign in' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);

  await page.getByLabel('E-mail address').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'the e-mail address or the password is wrong' }).waitFor();

  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.base}/w/demo/admin?q=cinema`);
  await page.locator('table.admin-table').waitFor();
  await page.getByRole('banner').getByText('Ada Admin').waitFor();

  // The session cookie is out of the page's reach.
  assert.equal(await page.evaluate(() => document.cookie), '');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
  await page.goto(`${server.base}/w/demo/admin`);
  await page.getByRole('heading', { name: 'Please sign in' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a new account confirms its address through the e-mailed link', async () => {
  const page = await newPage(browser, server.base);
  await page.goto(`${server.base}/register`);
  await page.getByLabel('E-mail address').fill('nina@example.org');
  await page.getByLabel('Your name (optional)').fill('Nina');
  await page.getByLabel('Password (at least 10 characters)').fill('short');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByText('must be at least 10 characters long').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByLabel('Password (at least 10 characters)').fill('a long passphrase');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByText('We sent an e-mail to this address').waitFor();

  // The mail waits in the outbox (no mail server here): its link is what the person opens.
  const body = execFileSync('sqlite3', [server.db, "SELECT body FROM mail_outbox WHERE recipient = 'nina@example.org'"], { encoding: 'utf8' });
  const link = body.match(/(\/account\/verify\?token=[A-Za-z0-9_-]+)/);
  assert.ok(link, body);
  await page.goto(`${server.base}${link[1]}`);
  await page.getByText('Your e-mail address is confirmed.').waitFor();
  await page.goto(`${server.base}${link[1]}`);
  await page.getByRole('alert').filter({ hasText: 'not valid any more' }).waitFor();

  // Signed in, Nina has no role in the workspace: its back office stays closed.
  await page.goto(`${server.base}/login?next=/w/demo/admin`);
  await page.getByLabel('E-mail address').fill('nina@example.org');
  await page.getByLabel('Password').fill('a long passphrase');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'No access to this back office' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('administrators browse and filter the audit log and download it', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(`${server.base}/w/demo/admin`);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  const rows = page.locator('table.audit-table tbody tr');
  await rows.first().waitFor();
  assert.match(await rows.first().innerText(), /cli/);
  assert.match(await page.locator('table.audit-table').innerText(), /imported · Space \d+/);

  await page.getByLabel('Record').selectOption('workspace');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/entity=workspace/);
  await page.getByText('1 entries').waitFor();
  // The count and the rows of the new page may render a moment apart, and the old rows may stay
  // a moment beside the new one: wait until the table holds the one filtered entry.
  await page.waitForFunction(() => {
    const shown = document.querySelectorAll('table.audit-table tbody tr');
    return shown.length === 1 && /created · Workspace/.test(shown[0].innerText);
  });
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), /created · Workspace/);
  const csv = page.getByRole('link', { name: 'Download as CSV' });
  assert.equal(await csv.getAttribute('href'), '/api/v1/workspaces/demo/audit.csv?entity=workspace');
  const res = await page.context().request.get(`${server.base}/api/v1/workspaces/demo/audit.csv?entity=workspace`);
  assert.equal(res.status(), 200);
  assert.match(await res.text(), /^id,at,actor,/);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('people manage their tokens, download their data and erase their account', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const reg = await context.request.post(`${server.base}/api/v1/auth/register`, { data: { email: 'gil@example.org', password: 'a long passphrase', display_name: 'Gil' } });
  assert.equal(reg.status(), 202);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(`${server.base}/login?next=/account`);
  await page.getByLabel('E-mail address').fill('gil@example.org');
  await page.getByLabel('Password').fill('a long passphrase');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your account', exact: true }).waitFor();

  await page.getByLabel('Token name').fill('QGIS at home');
  await page.getByRole('button', { name: 'Create a token' }).click();
  const secret = await page.getByTestId('token-secret').innerText();
  assert.match(secret, /^imp_/);
  const me = await context.request.get(`${server.base}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal((await me.json()).authenticated_by, 'token');
  await page.getByRole('button', { name: 'Revoke QGIS at home' }).click();
  await page.getByRole('cell', { name: 'revoked' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Download my data' }).getAttribute('href'), '/api/v1/me/export');
  assert.deepEqual(await axeViolations(page), []);

  await page.getByLabel('Your password, to confirm').fill('wrong');
  await page.getByRole('button', { name: 'Erase my account' }).click();
  await page.getByText('is wrong').first().waitFor();
  await page.getByLabel('Your password, to confirm').fill('a long passphrase');
  await page.getByRole('button', { name: 'Erase my account' }).click();
  await page.waitForURL(`${server.base}/?erased=1`);
  const again = await context.request.post(`${server.base}/api/v1/auth/login`, { data: { email: 'gil@example.org', password: 'a long passphrase' } });
  assert.equal(again.status(), 401);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('people change their password on the account page and sign in again with it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const oldPassword = 'a long passphrase';
  const newPassword = 'another long passphrase';
  const reg = await context.request.post(`${server.base}/api/v1/auth/register`, { data: { email: 'pia@example.org', password: oldPassword, display_name: 'Pia' } });
  assert.equal(reg.status(), 202);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  const signIn = async (password) => {
    await page.goto(`${server.base}/login?next=/account`);
    await page.getByLabel('E-mail address').fill('pia@example.org');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  };
  await signIn(oldPassword);
  await page.getByRole('heading', { name: 'Your account', exact: true }).waitFor();
  const current = page.getByLabel('Current password');
  const next = page.getByLabel('New password (at least 10 characters)');
  const repeat = page.getByLabel('New password, again');
  const change = page.getByRole('button', { name: 'Change the password' });

  // Checked before sending: the length the server asks for, and the same password twice.
  await current.fill(oldPassword);
  await next.fill('short');
  await repeat.fill('short');
  await change.click();
  await page.locator('#pw-new-error').filter({ hasText: 'must be at least 10 characters long' }).waitFor();
  assert.equal(await next.getAttribute('aria-invalid'), 'true');
  assert.equal(await next.getAttribute('aria-describedby'), 'pw-new-error');
  await next.fill(newPassword);
  await repeat.fill('another long passphrasf');
  await change.click();
  await page.locator('#pw-repeat-error').filter({ hasText: 'is not the same as the new password' }).waitFor();
  assert.equal(await page.locator('#pw-new-error').count(), 0);
  // The form moves the focus to the first field in error just after it renders the errors.
  await page.waitForFunction(() => document.activeElement?.id === 'pw-repeat');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'pw-repeat');

  // The server's answer to a wrong current password stands beside that field.
  await current.fill('not my password');
  await repeat.fill(newPassword);
  await change.click();
  await page.locator('#pw-current-error').filter({ hasText: 'is wrong' }).waitFor();
  await page.getByRole('alert').filter({ hasText: 'the current password is wrong' }).waitFor();
  assert.equal(await current.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await axeViolations(page), []);
  const still = await context.request.get(`${server.base}/api/v1/me`);
  assert.equal(still.status(), 200, 'a refused change keeps the session');

  // A token made before the change stops working with it, and the page says so.
  const token = await context.request.post(`${server.base}/api/v1/me/tokens`, {
    data: { name: 'QGIS', scopes: ['read'] },
    headers: { 'X-CSRF-Token': (await (await context.request.get(`${server.base}/api/v1/me`)).json()).csrf_token },
  });
  assert.equal(token.status(), 201);
  const { secret } = await token.json();
  assert.equal(await page.getByLabel('Also revoke my personal API tokens').isChecked(), true);
  await current.fill(oldPassword);
  await change.click();
  await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Your personal API tokens were revoked as well' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'status');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'status');
  assert.deepEqual(await axeViolations(page), []);
  const withToken = await context.request.get(`${server.base}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(withToken.status(), 401);

  // Every session ended with the change, this one too: the banner offers to sign in.
  assert.equal((await context.request.get(`${server.base}/api/v1/me`)).status(), 401);
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();

  await signIn(oldPassword);
  await page.getByRole('alert').filter({ hasText: 'the e-mail address or the password is wrong' }).waitFor();
  await signIn(newPassword);
  await page.waitForURL(`${server.base}/account`);
  await page.getByRole('heading', { name: 'Your account', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
  assert.equal((await context.request.get(`${server.base}/api/v1/me`)).status(), 401);
  const old = await context.request.post(`${server.base}/api/v1/auth/login`, { data: { email: 'pia@example.org', password: oldPassword } });
  assert.equal(old.status(), 401);
  const fresh = await context.request.post(`${server.base}/api/v1/auth/login`, { data: { email: 'pia@example.org', password: newPassword } });
  assert.equal(fresh.status(), 200);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('signing out everywhere ends every session and API token, and says so', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const reg = await context.request.post(`${server.base}/api/v1/auth/register`, { data: { email: 'uma@example.org', password: 'a long passphrase' } });
  assert.equal(reg.status(), 202);
  const other = await browser.newContext();
  assert.equal((await other.request.post(`${server.base}/api/v1/auth/login`, { data: { email: 'uma@example.org', password: 'a long passphrase' } })).status(), 200);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(`${server.base}/login?next=/account`);
  await page.getByLabel('E-mail address').fill('uma@example.org');
  await page.getByLabel('Password').fill('a long passphrase');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Token name').fill('nightly sync');
  await page.getByRole('button', { name: 'Create a token' }).click();
  const secret = await page.getByTestId('token-secret').innerText();

  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.getByRole('status').filter({ hasText: 'You are signed out on every device.' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Your personal API tokens were revoked as well' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  assert.equal((await context.request.get(`${server.base}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } })).status(), 401);
  assert.equal((await other.request.get(`${server.base}/api/v1/me`)).status(), 401, 'the other device is signed out');
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
  assert.deepEqual(page.errors, []);
  await other.close();
  await context.close();
});
