// Where the public map opens: a workspace created without a map view opens on its spaces, and
// on a default view of Europe while it has none (not on the Atlantic off Africa, the server's
// default position).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { root, startServer, launchBrowser, newPage, axeViolations } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startServer({
    workspaces: [
      // The demo spaces lie in Lille, between 3.033 and 3.092 E, 50.618 and 50.640 N.
      { slug: 'unset', name: 'No view yet', imports: [join(root, 'data', 'demo', 'spaces.geojson')] },
      { slug: 'empty', name: 'Nothing yet' },
    ],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// The box of the newest request for the spaces in view: west, south, east, north.
function spacesRequests(page) {
  const boxes = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.endsWith('/spaces') && url.searchParams.has('bbox')) boxes.push(url.searchParams.get('bbox').split(',').map(Number));
  });
  return boxes;
}

test('a workspace without a map view opens on its spaces', async () => {
  const ws = await (await fetch(`${server.base}/api/v1/workspaces/unset`)).json();
  assert.deepEqual([ws.map_view.lon, ws.map_view.lat], [0, 0], 'the server keeps no view for it');
  const page = await newPage(browser, server.base);
  const boxes = spacesRequests(page);
  await page.goto(`${server.base}/w/unset`);
  // The map moves to the spaces and keeps that view in the URL, as after panning.
  await page.waitForURL(/[?&]lat=/);
  const url = new URL(page.url());
  const lat = Number(url.searchParams.get('lat'));
  const lon = Number(url.searchParams.get('lon'));
  const zoom = Number(url.searchParams.get('z'));
  assert.ok(Math.abs(lat - 50.629) < 0.02 && Math.abs(lon - 3.0625) < 0.03, `centre ${lat},${lon}`);
  assert.ok(zoom >= 11, `zoom ${zoom}`);
  await page.getByTestId('result-count').filter({ hasText: /^10 spaces/ }).waitFor();
  assert.equal(await page.getByTestId('space-list').locator('li').count(), 10);
  const [west, south, east, north] = boxes.at(-1);
  assert.ok(west <= 3.033 && east >= 3.092 && south <= 50.618 && north >= 50.6402, `every space in view: ${boxes.at(-1)}`);
  assert.ok(east - west < 1, `the view is the city's, not a continent's: ${boxes.at(-1)}`);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(page.errors, []);

  // A link with a view keeps it.
  const other = await newPage(browser, server.base);
  await other.goto(`${server.base}/w/unset?lat=48.85&lon=2.35&z=12`);
  await other.getByTestId('result-count').filter({ hasText: /^0 spaces/ }).waitFor();
  await other.waitForTimeout(500);
  assert.match(other.url(), /lat=48\.85/);
  await other.context().close();
  await page.context().close();
});

test('a workspace without a view or spaces opens on Europe', async () => {
  const page = await newPage(browser, server.base);
  const boxes = spacesRequests(page);
  await page.goto(`${server.base}/w/empty`);
  await page.getByTestId('result-count').filter({ hasText: /^0 spaces/ }).waitFor();
  assert.ok(boxes.length > 0);
  const [west, south, east, north] = boxes.at(-1);
  // The centre of the view, on the map's Web Mercator projection.
  const y = (deg) => Math.log(Math.tan(Math.PI / 4 + (deg * Math.PI) / 360));
  const lat = (2 * Math.atan(Math.exp((y(south) + y(north)) / 2)) - Math.PI / 2) * (180 / Math.PI);
  const lon = (west + east) / 2;
  assert.ok(Math.abs(lon - 10) < 1 && Math.abs(lat - 50) < 1, `centre ${lat},${lon}`);
  assert.ok(east - west > 10, `a view of Europe: ${boxes.at(-1)}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
