// Discovery in the back office, in a real browser against the real server: scan an uploaded
// extract and one from the server's folder, follow the job, review the candidates (accept,
// dismiss with a reason, open the OSM object).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { root, sharedData, startServer, launchBrowser, newPage, axeViolations, osmExtracts, screenshotDir } from './harness.js';

// Made from tests/data/discovery/town.opl by the C++ build (tests/CMakeLists.txt), which runs first.
const town = join(root, 'build', 'tests', 'data', 'discovery', 'town.osm.pbf');
let server;
let browser;

before(async () => {
  server = await startServer({
    workspaces: [
      { slug: 'lille', name: 'Lille', center: '3.064,50.632', zoom: 15 },
      { slug: 'vaduz', name: 'Liechtenstein', center: '9.52,47.14', zoom: 11 },
    ],
    serveArgs: ['--extracts-dir', join(sharedData, 'osm')],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// The API as the signed-in page's session sees it.
async function api(page, path) {
  const res = await page.context().request.get(`${server.base}${path}`);
  return res.json();
}

test('an uploaded extract is scanned and its candidates reviewed', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(`${server.base}/w/lille/admin`);
  await page.getByRole('link', { name: 'Find spaces in OpenStreetMap' }).click();
  await page.getByRole('heading', { name: /Discovery from OpenStreetMap/ }).waitFor();
  await page.getByText('No scan yet.').waitFor();

  // Nothing chosen: the form says so next to the field.
  await page.getByRole('button', { name: 'Start the scan' }).click();
  await page.getByText('Choose an extract to scan.').waitFor();

  await page.getByLabel('OpenStreetMap extract (.osm.pbf)').setInputFiles(town);
  await page.getByRole('button', { name: 'Start the scan' }).click();
  const job = page.getByTestId('job').first();
  await job.getByText('Done').waitFor({ timeout: 30000 });
  const counts = job.getByTestId('scan-counts');
  assert.match(await counts.innerText(), /Candidates\s+5/);
  assert.match(await counts.innerText(), /Created\s+5/);
  assert.match(await job.innerText(), /town\.osm\.pbf/);

  // The candidates, best suited first, each with its scores and the reasons for them.
  await page.getByText('5 candidates to review').waitFor();
  const cards = page.getByTestId('candidate');
  assert.equal(await cards.count(), 5);
  const mill = cards.filter({ hasText: 'Textile mill' });
  assert.match(await mill.innerText(), /Suitability: \d+\/100/);
  assert.match(await mill.innerText(), /Greening potential: \d+\/100/);
  await mill.getByText('Why this candidate').click();
  assert.match(await mill.innerText(), /disused:building=yes/);
  assert.match(await mill.innerText(), /Nearest public transport stop\s+\d+ m/);
  assert.match(await mill.innerText(), /Public transport nearby/);
  const osm = mill.getByRole('link', { name: 'Open way/100 in OpenStreetMap' });
  assert.equal(await osm.getAttribute('href'), 'https://www.openstreetmap.org/way/100');
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(screenshotDir(), 'discovery-review.png'), fullPage: true });

  // Accept one: it leaves the list and is verified.
  await page.getByRole('button', { name: 'Accept as verified: Textile mill' }).click();
  await page.getByText('4 candidates to review').waitFor();
  const spaces = await api(page, '/api/v1/workspaces/lille/spaces?source=osm&source_id=way/100');
  assert.equal(spaces.items[0].status, 'verified');

  // Dismiss one: a reason is required, then it is withdrawn with that reason in its history.
  await page.getByRole('button', { name: 'Dismiss: Chapel ruin' }).click();
  await page.getByRole('button', { name: 'Dismiss the candidate' }).click();
  await page.getByText("Give a reason: it is kept in the space's history.").waitFor();
  await page.getByLabel('Why is it dismissed?').fill('Only a wall is left standing');
  await page.getByRole('button', { name: 'Dismiss the candidate' }).click();
  await page.getByText('3 candidates to review').waitFor();
  const ruin = (await api(page, '/api/v1/workspaces/lille/spaces?source=osm&source_id=way/103')).items[0];
  assert.equal(ruin.status, 'withdrawn');
  const history = await api(page, `/api/v1/workspaces/lille/spaces/${ruin.id}/history`);
  assert.equal(history.items.at(-1).reason, 'Only a wall is left standing');

  // Scanning again keeps the decisions.
  await page.getByLabel('OpenStreetMap extract (.osm.pbf)').setInputFiles(town);
  await page.getByRole('button', { name: 'Start the scan' }).click();
  await page.getByTestId('job').nth(1).waitFor();
  const again = page.getByTestId('job').first();
  await again.getByText('Done').waitFor({ timeout: 30000 });
  assert.match(await again.getByTestId('scan-counts').innerText(), /Unchanged\s+3/);
  assert.match(await again.getByTestId('scan-counts').innerText(), /Kept as reviewed\s+2/);
  await page.getByText('3 candidates to review').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a file that is not an extract is refused with the reason', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(`${server.base}/w/lille/admin/discovery`);
  await page.getByLabel('OpenStreetMap extract (.osm.pbf)').setInputFiles({
    name: 'notes.osm.pbf', mimeType: 'application/octet-stream', buffer: Buffer.from('not an extract at all'),
  });
  await page.getByRole('button', { name: 'Start the scan' }).click();
  await page.getByRole('alert').filter({ hasText: 'notes.osm.pbf is not an OSM PBF file' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an extract from the server folder is scanned with progress and a result', async (t) => {
  if (!osmExtracts(t)) return;
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(`${server.base}/w/vaduz/admin/discovery`);
  await page.getByLabel('A file on the server').check();
  await page.getByLabel('Extract on the server').selectOption('liechtenstein-2024-03-04.osm.pbf');
  await page.getByRole('button', { name: 'Start the scan' }).click();
  const job = page.getByTestId('job').first();
  await job.getByText('Done').waitFor({ timeout: 60000 });
  assert.match(await job.getByTestId('scan-counts').innerText(), /Candidates\s+19/);
  await page.getByText('19 candidates to review').waitFor();
  const jobs = await api(page, '/api/v1/workspaces/vaduz/jobs');
  assert.equal(jobs.items[0].progress.phase, 'done');
  assert.equal(jobs.items[0].progress.share_read, 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// Real scans of the test extracts end within a poll, so the running state is served here as
// the API documents it (the API tests check the real progress reports).
test('a running scan shows its progress and can be cancelled', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  const running = {
    id: 41, workspace: 'lille', kind: 'discovery', status: 'running',
    params: { source: 'upload', file_name: 'region.osm.pbf', size: 160000000, dry_run: false },
    progress: { share_read: 0.42, objects: 9600000, objects_per_second: 1850000, seconds_left: 75, phase: 'objects' },
    result: null, error: null, created_at: '2026-11-29T10:00:00.000Z', started_at: '2026-11-29T10:00:01.000Z', finished_at: null,
    links: [],
  };
  let cancelled = false;
  await page.route('**/api/v1/workspaces/lille/jobs?limit=10', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({ items: [cancelled ? { ...running, status: 'cancelled', error: 'cancelled on request; nothing was changed' } : running] }),
    }));
  await page.route('**/api/v1/workspaces/lille/jobs/41/cancel', (route) => {
    cancelled = true;
    return route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ...running, status: 'running' }) });
  });
  await page.goto(`${server.base}/w/lille/admin/discovery`);
  const bar = page.getByRole('progressbar', { name: 'Progress of the scan of region.osm.pbf' });
  await bar.waitFor();
  assert.equal(await bar.getAttribute('value'), '42');
  const job = page.getByTestId('job').first();
  assert.match(await job.innerText(), /42% · reading objects · 1,850,000 objects\/s · 1 min 15 s left/);
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('button', { name: 'Cancel the scan' }).click();
  await job.getByText('cancelled on request; nothing was changed').waitFor();
  assert.match(await job.innerText(), /Cancelled/);
  assert.equal(await page.getByRole('button', { name: 'Cancel the scan' }).count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
