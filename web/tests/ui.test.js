// The interface in a real browser (Debian's Chromium through playwright-core) against the real
// server: what officers, owners, applicants and citizens do with it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { root, startServer, launchBrowser, newPage, axeViolations, brightonRegister, screenshotDir } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startServer({
    workspaces: [
      { slug: 'demo', name: 'Demo city', center: '3.0573,50.6292', zoom: 13, imports: [join(root, 'data', 'demo', 'spaces.geojson')] },
      { slug: 'brighton', name: 'Brighton and Hove', center: '-0.14,50.83', zoom: 12 },
    ],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function resultCount(page) {
  const text = await page.getByTestId('result-count').innerText();
  const digits = text.replace(/[\s\u00a0\u202f.,]/g, '').match(/^\d+/);
  return digits ? Number(digits[0]) : NaN;
}

async function waitForCount(page, predicate) {
  await page.waitForFunction(
    (pred) => {
      const el = document.querySelector('[data-testid="result-count"]');
      if (!el) return false;
      const m = el.textContent.replace(/[\s\u00a0\u202f.,]/g, '').match(/^\d+/);
      return m && new Function('n', `return ${pred}`)(Number(m[0]));
    },
    predicate,
    { timeout: 10000 },
  );
  return resultCount(page);
}

// Features drawn on the map: polygons and unclustered points are SVG paths, clusters are icons
// carrying their count.
async function drawnOnMap(page) {
  return page.evaluate(() => {
    const paths = document.querySelectorAll('#map .leaflet-overlay-pane path.leaflet-interactive').length;
    let clustered = 0;
    document.querySelectorAll('#map .marker-cluster span').forEach((s) => (clustered += Number(s.textContent)));
    return paths + clustered;
  });
}

test('the real brownfield register imported through the browser shows on the map', async (t) => {
  const file = brightonRegister(t);
  if (!file) return;
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(`${server.base}/w/brighton/admin/import`);
  await page.getByLabel('File').setInputFiles(file);
  await page.getByRole('button', { name: 'Import' }).click();
  const counts = page.getByTestId('import-counts');
  await counts.waitFor();
  assert.match(await counts.innerText(), /Created\s+172/);
  assert.match(await counts.innerText(), /Ended by the source\s+13/);

  await page.goto(`${server.base}/w/brighton?lat=50.835&lon=-0.14&z=12`);
  const n = await waitForCount(page, 'n > 150');
  assert.ok(n >= 160 && n <= 171, `spaces in the Brighton view: ${n}`);
  await page.waitForFunction(() => document.querySelectorAll('#map .leaflet-marker-pane > *, #map path.leaflet-interactive').length > 0);
  assert.equal(await drawnOnMap(page), n, 'the map draws every listed space');
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(screenshotDir(), 'public-map.png') });
  await page.context().close();
});

test('filtering narrows the list and the map, and the URL keeps it', async () => {
  const page = await newPage(browser, server.base);
  await page.goto(`${server.base}/w/demo`);
  const all = await waitForCount(page, 'n > 0');
  assert.equal(all, 10);
  await page.getByRole('checkbox', { name: 'Available', exact: true }).check();
  const available = await waitForCount(page, `n < ${all}`);
  assert.equal(available, 3);
  assert.equal(await page.getByTestId('space-list').locator('li').count(), 3);
  await page.waitForFunction((n) => {
    const paths = document.querySelectorAll('#map .leaflet-overlay-pane path.leaflet-interactive').length;
    let c = 0;
    document.querySelectorAll('#map .marker-cluster span').forEach((s) => (c += Number(s.textContent)));
    return paths + c === n;
  }, available);
  assert.match(page.url(), /status=available/);

  await page.getByLabel('Kind').selectOption('building');
  const buildings = await waitForCount(page, 'n < 3');
  assert.equal(buildings, 1);

  // A shared link reproduces the view; the back button undoes the last filter.
  const shared = page.url();
  const other = await newPage(browser, server.base);
  await other.goto(shared);
  assert.equal(await waitForCount(other, 'n >= 0'), 1);
  assert.equal(await other.getByRole('checkbox', { name: 'Available', exact: true }).isChecked(), true);
  await other.context().close();

  await page.goBack();
  assert.equal(await waitForCount(page, 'n === 3'), 3);
  assert.equal(await page.getByLabel('Kind').inputValue(), '');
  await page.context().close();
});

test('a space page opens from the list', async () => {
  const page = await newPage(browser, server.base);
  await page.goto(`${server.base}/w/demo`);
  await waitForCount(page, 'n > 0');
  await page.getByRole('link', { name: 'Former textile mill (demo)' }).click();
  await page.getByRole('heading', { level: 1, name: 'Former textile mill (demo)' }).waitFor();
  assert.match(page.url(), /\/w\/demo\/spaces\/\d+$/);
  const details = await page.locator('.details').innerText();
  assert.match(details, /Industrial/);
  assert.match(details, /Needs repair/);
  assert.equal(await page.getByRole('table', { name: 'Status history' }).locator('tbody tr').count(), 1);
  assert.ok(await page.getByRole('link', { name: 'GeoJSON' }).getAttribute('href'));
  await page.waitForSelector('.small-map path.leaflet-interactive');
  await page.screenshot({ path: join(screenshotDir(), 'space-page.png'), fullPage: true });
  await page.goBack();
  await page.getByTestId('result-count').waitFor();
  assert.match(page.url(), /\/w\/demo/);
  await page.context().close();
});

test('a space drawn on the map in the back office appears on the public map', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(`${server.base}/w/demo/admin/new`);
  await page.getByLabel('Name').fill('Drawn pavilion');
  await page.getByLabel('Kind').selectOption('plot');
  await page.getByLabel('Status', { exact: true }).selectOption('available');
  const map = page.getByTestId('edit-map');
  await map.scrollIntoViewIfNeeded();
  await page.locator('.leaflet-pm-icon-polygon').click();
  const box = await map.boundingBox();
  const at = (dx, dy) => ({ x: box.x + box.width / 2 + dx, y: box.y + box.height / 2 + dy });
  for (const [dx, dy] of [[-40, -30], [40, -30], [40, 30], [-40, 30]]) {
    const p = at(dx, dy);
    await page.mouse.click(p.x, p.y);
  }
  const first = at(-40, -30);
  await page.mouse.click(first.x, first.y);
  await page.getByTestId('geometry-summary').filter({ hasText: 'Outline with 4 corners' }).waitFor();
  await page.getByRole('button', { name: 'Create space' }).click();
  await page.getByRole('heading', { level: 1, name: 'Drawn pavilion' }).waitFor();
  const area = await page.locator('.details').innerText();
  assert.match(area, /Area\s+[\d,.\s\u202f]+ (m²|ha)/);

  await page.goto(`${server.base}/w/demo?status=available`);
  await waitForCount(page, 'n === 4');
  assert.equal(await page.getByTestId('space-list').getByRole('link', { name: 'Drawn pavilion' }).count(), 1);
  await page.context().close();
});

test('a bad form shows the API field errors next to their fields', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(`${server.base}/w/demo/admin/new`);
  await page.getByLabel('Floors').fill('-3');
  await page.getByLabel('Available from').fill('2027-05-01');
  await page.getByLabel('Available until').fill('2027-01-01');
  await page.getByRole('button', { name: 'Create space' }).click();
  const summary = page.locator('#form-errors');
  await summary.waitFor();
  const text = await summary.innerText();
  assert.match(text, /Name/);
  assert.match(text, /Location/);
  assert.match(text, /Floors/);
  assert.match(text, /Available until/);
  assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#f-name-error').innerText(), /empty|required/);
  assert.match(await page.locator('#f-floors-error').innerText(), /between/);
  assert.match(await page.locator('#f-available_to-error').innerText(), /before/);
  assert.ok(await page.locator('#geometry-error').isVisible());
  await page.screenshot({ path: join(screenshotDir(), 'form-errors.png'), fullPage: true });
  await page.context().close();
});

test('a status change with a reason lands in the history', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(`${server.base}/w/demo/admin?q=cinema`);
  await page.getByRole('link', { name: 'Edit Old cinema (demo)' }).click();
  await page.getByRole('heading', { name: 'Change status' }).waitFor();
  await page.getByLabel('New status').selectOption('available');
  await page.getByLabel('Reason (kept in the history)').fill('Owner agreed to a two-year loan');
  await page.getByRole('button', { name: 'Change status' }).click();
  await page.getByText('Status changed.').waitFor();
  await page.getByRole('link', { name: 'See the public page' }).click();
  const rows = page.getByRole('table', { name: 'Status history' }).locator('tbody tr');
  await rows.nth(1).waitFor();
  assert.match(await rows.nth(1).innerText(), /Available[\s\S]*two-year loan/);
  await page.context().close();
});

test('the language switch changes the interface and is remembered', async () => {
  const page = await newPage(browser, server.base, { locale: 'en-GB' });
  await page.goto(`${server.base}/w/demo`);
  await waitForCount(page, 'n > 0');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByLabel('Language').selectOption('pl');
  await page.waitForFunction(() => document.documentElement.lang === 'pl');
  const heading = await page.locator('#results-heading').innerText();
  assert.notEqual(heading, 'Spaces in this view');
  await page.reload();
  await page.getByTestId('result-count').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'pl');
  assert.equal(await page.locator('#results-heading').innerText(), heading);
  for (const lang of ['fr', 'it', 'es', 'ro', 'lv']) {
    await page.locator('.language select').selectOption(lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    assert.notEqual(await page.locator('#results-heading').innerText(), 'Spaces in this view', lang);
  }
  await page.context().close();

  // A browser that prefers Polish gets Polish at once.
  const polish = await newPage(browser, server.base, { locale: 'pl-PL' });
  await polish.goto(`${server.base}/`);
  await polish.waitForFunction(() => document.documentElement.lang === 'pl');
  await polish.context().close();
});

test('pages work on a phone-sized screen', async () => {
  const page = await newPage(browser, server.base, { width: 390, height: 844 });
  await page.goto(`${server.base}/w/demo`);
  await waitForCount(page, 'n > 0');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `horizontal overflow of ${overflow}px`);
  const map = await page.getByTestId('map').boundingBox();
  assert.ok(map.width > 300 && map.height > 300);
  await page.screenshot({ path: join(screenshotDir(), 'phone-map.png') });
  await page.context().close();
});

test('axe-core finds no WCAG 2.1 A/AA violations on any page', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  const spaces = await (await fetch(`${server.base}/api/v1/workspaces/demo/spaces?limit=1`)).json();
  const id = spaces.items[0].id;
  const pages = [
    ['/', 'h1'],
    ['/w/demo', '[data-testid="space-list"] li'],
    [`/w/demo/spaces/${id}`, '.details'],
    ['/w/demo/admin', 'table'],
    ['/w/demo/admin/new', '.edit-map'],
    [`/w/demo/admin/spaces/${id}`, '#t-to, .transition'],
    ['/w/demo/admin/import', 'input[type=file]'],
    ['/nowhere', 'h1'],
  ];
  for (const [path, ready] of pages) {
    await page.goto(`${server.base}${path}`);
    await page.waitForSelector(ready);
    await page.waitForTimeout(300);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${path}: ${JSON.stringify(violations, null, 1)}`);
  }
  // The form with its errors shown, and the Polish interface.
  await page.goto(`${server.base}/w/demo/admin/new`);
  await page.getByRole('button', { name: 'Create space' }).click();
  await page.locator('#form-errors').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByLabel('Language').selectOption('pl');
  await page.goto(`${server.base}/w/demo`);
  await page.waitForSelector('[data-testid="space-list"] li');
  assert.deepEqual(await axeViolations(page), []);
  await page.context().close();
});

test('keyboard alone reaches the filters, the list and a space page', async () => {
  const page = await newPage(browser, server.base);
  await page.goto(`${server.base}/w/demo`);
  await waitForCount(page, 'n > 0');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.closest('[data-testid="space-list"]') != null);
  }
  assert.ok(reached, 'the list is reachable with Tab');
  const visible = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  });
  assert.ok(visible, 'focus is visible');
  await page.keyboard.press('Enter');
  await page.locator('.details').waitFor();
  await page.context().close();
});
