// Citizens' reports in the browser: a visitor reports a vacant place with a photo and follows
// it through the private link; an officer accepts it in the moderation queue; the visitor sees
// the outcome.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { root, startServer, launchBrowser, newPage, axeViolations } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startServer({
    workspaces: [{ slug: 'demo', name: 'Demo city', center: '3.0573,50.6292', zoom: 14, imports: [join(root, 'data', 'demo', 'spaces.geojson')] }],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a visitor reports a vacant place, an officer accepts it, the visitor sees the outcome', async () => {
  const visitor = await newPage(browser, server.base);
  await visitor.goto(`${server.base}/w/demo`);
  await visitor.getByRole('link', { name: 'Report a vacant place' }).click();
  await visitor.getByRole('heading', { name: 'Report a vacant place' }).waitFor();
  assert.deepEqual(await axeViolations(visitor), []);

  // A click on the map puts the point; the coordinates can be typed too.
  await visitor.getByTestId('report-map').click({ position: { x: 200, y: 150 } });
  assert.notEqual(await visitor.getByLabel('Longitude').inputValue(), '');
  await visitor.getByLabel('Longitude').fill('3.0581');
  await visitor.getByLabel('Latitude').fill('50.6301');
  await visitor.getByLabel('Kind').selectOption('shop');
  await visitor.getByLabel('It has looked vacant for').selectOption('1_to_3_years');
  await visitor.getByLabel('What you saw').fill('Shutters down, "to let" sign');
  await visitor.getByLabel('Photos').setInputFiles(join(root, 'tests', 'data', 'reports', 'one-pixel.png'));
  await visitor.getByLabel('E-mail, to hear what happens').fill('vera@example.org');
  // People take a few seconds to fill a form; the server refuses forms sent faster.
  await visitor.waitForTimeout(3100);
  await visitor.getByRole('button', { name: 'Send the report' }).click();
  await visitor.getByRole('heading', { name: 'Thank you for your report' }).waitFor();
  assert.match(await visitor.getByRole('status').innerText(), /Photos sent: 1/);
  await visitor.getByRole('link', { name: 'Follow your report' }).click();
  const followed = visitor.getByTestId('followed-report');
  await followed.waitFor();
  assert.match(await followed.innerText(), /waiting for an officer/);
  assert.doesNotMatch(await followed.innerText(), /vera@example.org/);
  const followUrl = visitor.url();

  const officer = await newPage(browser, server.base, { signedIn: true });
  await officer.goto(`${server.base}/w/demo/admin`);
  await officer.getByRole('link', { name: "Citizens' reports" }).click();
  await officer.getByText('1 reports waiting').waitFor();
  const card = officer.getByTestId('report');
  assert.match(await card.innerText(), /vera@example.org/);
  assert.match(await card.innerText(), /Shutters down/);
  await card.locator('img').waitFor();
  assert.equal(await card.locator('img').evaluate((img) => img.naturalWidth > 0), true);
  assert.deepEqual(await axeViolations(officer), []);
  await card.getByLabel('Name of the new space').fill('Former shoe shop');
  await card.getByRole('button', { name: 'Accept' }).click();
  await officer.getByText('0 reports waiting').waitFor();

  await visitor.goto(followUrl);
  await visitor.getByText('accepted: the place is in the inventory').waitFor();
  await visitor.getByRole('link', { name: 'See the place' }).click();
  await visitor.getByRole('heading', { name: 'Former shoe shop' }).waitFor();
  assert.deepEqual(visitor.errors, []);
  assert.deepEqual(officer.errors, []);
  await visitor.context().close();
  await officer.context().close();
});
