// Calls for temporary use in the browser, from the officer's draft to the applicant reading the
// decision: an officer writes and opens a call in the back office, a member of an organisation
// applies with the required document, the officer closes the call and starts the evaluation with
// a jury of two, both evaluators score, the officer runs the allocation, adjusts it and
// publishes, and the applicant sees the place allocated with the explanation.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'playwright-core';
import { ADMIN, cli, startServer, launchBrowser, newPage, axeViolations } from './harness.js';

let server;
let browser;
let admin; // an API client signed in as the instance administrator
const PASSWORD = 'a long passphrase';
const state = {};

// A request context signed in with a session cookie, writing with the session's CSRF token.
async function apiClient(base, who) {
  const ctx = await request.newContext({ baseURL: base });
  const res = await ctx.post('/api/v1/auth/login', { data: who });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  const headers = { 'X-CSRF-Token': (await res.json()).csrf_token };
  const call = async (method, path, data) => {
    const r = await ctx.fetch(path, { method, headers, data });
    if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`);
    return r.status() === 204 ? null : r.json();
  };
  return { ctx, post: (p, d) => call('POST', p, d), get: (p) => call('GET', p) };
}

// A browser page signed in as `email`, as after the sign-in form.
async function pageAs(email) {
  const page = await newPage(browser, server.base);
  const res = await page.context().request.post(`${server.base}/api/v1/auth/login`, { data: { email, password: PASSWORD } });
  assert.ok(res.ok(), `sign-in of ${email}`);
  return page;
}

// datetime-local inputs take the browser's local time, which is this machine's.
function localInput(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

before(async () => {
  server = await startServer({ workspaces: [{ slug: 'demo', name: 'Demo city', center: '3.0573,50.6292', zoom: 14 }] });
  for (const [email, name] of [['ana@example.org', 'Ana Applicant'], ['eve@example.org', 'Eve Evaluator'], ['finn@example.org', 'Finn Evaluator']]) {
    cli(['user', 'create', email, '--name', name, '--password-stdin'], server.db, `${PASSWORD}\n`);
  }
  for (const email of ['eve@example.org', 'finn@example.org']) cli(['user', 'set-role', email, '--workspace', 'demo', '--role', 'citizen'], server.db);
  admin = await apiClient(server.base, ADMIN);
  const spaces = '/api/v1/workspaces/demo/spaces';
  await admin.post(spaces, {
    name: 'Market hall', kind: 'building', geometry: { type: 'Point', coordinates: [3.058, 50.631] }, area_m2: 200,
    utilities: { water: true, electricity: true }, step_free_access: true,
  });
  await admin.post(spaces, {
    name: 'Rail yard', kind: 'plot', area_m2: 500,
    geometry: { type: 'Polygon', coordinates: [[[3.07, 50.632], [3.072, 50.632], [3.072, 50.633], [3.07, 50.633], [3.07, 50.632]]] },
  });
  const coop = await admin.post('/api/v1/workspaces/demo/organisations', { name: 'Friches Coop', type: 'cooperative' });
  await admin.post(`/api/v1/workspaces/demo/organisations/${coop.id}/members`, { email: 'ana@example.org', role: 'applicant' });
  browser = await launchBrowser();
});

after(async () => {
  await admin?.ctx.dispose();
  await browser?.close();
  await server?.stop();
});

test('an officer writes a call in the back office and opens it', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(`${server.base}/w/demo/admin`);
  await page.getByRole('link', { name: 'Calls for applications' }).click();
  await page.getByRole('heading', { name: 'Calls for applications' }).waitFor();
  await page.getByRole('link', { name: 'New call' }).click();
  await page.getByRole('heading', { name: 'New call' }).waitFor();

  const now = new Date();
  await page.getByLabel('Title', { exact: true }).fill('Meanwhile spaces 2027');
  await page.getByLabel('Description', { exact: true }).fill('Two places for a year of temporary use.');
  await page.getByLabel('Opens').fill(localInput(new Date(now.getTime() - 3600e3)));
  await page.getByLabel('Deadline').fill(localInput(new Date(now.getTime() + 2 * 86400e3)));
  await page.getByLabel('What the occupant pays').selectOption('utilities_only');

  // The places come from the inventory, each with its period and capacity.
  await page.getByLabel('Find a place of the inventory').fill('Market');
  await page.getByRole('button', { name: 'Add Market hall to the call' }).click();
  await page.getByLabel('Market hall: available from').fill('2027-01-01');
  await page.getByLabel('Market hall: last day available').fill('2027-12-31');
  await page.getByLabel('Find a place of the inventory').fill('Rail');
  await page.getByRole('button', { name: 'Add Rail yard to the call' }).click();
  assert.equal(await page.getByLabel('Rail yard: available from').inputValue(), '2027-01-01');

  await page.getByRole('checkbox', { name: 'cooperative' }).check();
  await page.getByRole('checkbox', { name: 'non-profit association' }).check();
  await page.getByLabel('Shortest use (days)').fill('30');
  await page.getByLabel('Longest use (days)').fill('365');

  const first = page.getByRole('group', { name: 'Criterion 1' });
  await first.getByLabel('Name').fill('Fit with the site');
  await first.getByLabel('Key (letters, digits, _)').fill('fit');
  await first.getByLabel('Weight').fill('40');
  await page.getByRole('button', { name: 'Add a criterion' }).click();
  const second = page.getByRole('group', { name: 'Criterion 2' });
  await second.getByLabel('Name').fill('Team and project');
  await second.getByLabel('Weight').fill('60');
  await second.getByLabel('Highest score').fill('5');
  await page.getByRole('button', { name: 'Add a required document' }).click();
  await page.getByLabel('Document 1', { exact: true }).fill('insurance certificate');

  await page.getByRole('button', { name: 'Create the call' }).click();
  await page.getByRole('heading', { name: 'Meanwhile spaces 2027' }).waitFor();
  state.manage = page.url();
  state.call = Number(page.url().match(/calls\/(\d+)/)[1]);
  assert.match(await page.getByTestId('call-state').innerText(), /draft/);
  await page.getByRole('button', { name: 'Open the call' }).click();
  await page.getByText('The call is now open.').waitFor();
  await page.getByTestId('call-state').getByText('open').waitFor();

  const saved = await admin.get(`/api/v1/workspaces/demo/calls/${state.call}`);
  assert.deepEqual(saved.criteria.map((k) => [k.key, k.weight, k.scale_max]), [['fit', 40, 10], ['team_and_project', 60, 5]]);
  assert.deepEqual(saved.spaces.map((s) => [s.available_from, s.available_to, s.capacity]), [['2027-01-01', '2028-01-01', 1], ['2027-01-01', '2028-01-01', 1]]);
  assert.deepEqual([...saved.eligibility.organisation_types].sort(), ['cooperative', 'non_profit']);
  assert.deepEqual([saved.eligibility.min_duration_days, saved.eligibility.max_duration_days], [30, 365]);
  assert.equal(saved.fee_model, 'utilities_only');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a member of an organisation reads the public call and applies with the required document', async () => {
  const page = await pageAs('ana@example.org');
  await page.goto(`${server.base}/w/demo`);
  await page.getByRole('link', { name: 'Calls for applications' }).click();
  await page.getByRole('heading', { name: 'Open calls' }).waitFor();
  await page.getByRole('link', { name: 'Meanwhile spaces 2027' }).click();
  await page.getByRole('heading', { name: 'Meanwhile spaces 2027', level: 1 }).waitFor();
  assert.match(await page.getByTestId('deadline').innerText(), /UTC: \d{4}-\d\d-\d\d \d\d:\d\d/);
  const offered = await page.getByTestId('offered-spaces').innerText();
  assert.match(offered, /Market hall/);
  assert.match(offered, /Rail yard/);
  assert.match(offered, /room for 1 uses at a time/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="call-map"] path.leaflet-interactive').length === 2);
  assert.match(await page.locator('main').innerText(), /Fit with the site\s+40 %/);
  assert.match(await page.locator('main').innerText(), /insurance certificate/);
  assert.deepEqual(await axeViolations(page), []);

  await page.getByRole('link', { name: 'Apply' }).click();
  await page.getByRole('heading', { name: 'Apply to Meanwhile spaces 2027' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  assert.equal(await page.getByLabel('Organisation').locator('option:checked').innerText(), 'Friches Coop (cooperative)');
  await page.getByLabel('Title', { exact: true }).fill('Theatre workshop');
  await page.getByLabel('Description of the project').fill('Rehearsals and shows for the neighbourhood.');
  await page.getByLabel('Category').selectOption('culture');
  await page.getByLabel('Minimum area (m²)').fill('100');
  await page.getByRole('radio', { name: 'Indoor', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Water' }).check();
  await page.getByLabel('First day').fill('2027-03-01');
  await page.getByLabel('Last day', { exact: true }).fill('2027-08-31');
  const hall = await page.getByLabel('Place to add').locator('option', { hasText: 'Market hall' }).getAttribute('value');
  await page.getByLabel('Place to add').selectOption(hall);
  await page.getByRole('button', { name: 'Add to my ranking' }).click();
  assert.match(await page.getByTestId('ranked-spaces').innerText(), /Market hall/);
  await page.getByLabel('Team').fill('Three actors and a stage manager');
  await page.getByLabel('Budget (EUR)').fill('12000');
  await page.getByRole('button', { name: 'Save the draft' }).click();
  await page.getByText('The draft is saved. You can now attach the documents.').waitFor();
  assert.match(page.url(), /\/w\/demo\/applications\/\d+\/edit$/);

  // Documents are recognised by their content: a text file is refused, with the reason.
  const input = page.getByLabel(/^insurance certificate/);
  await input.setInputFiles({ name: 'certificate.pdf', mimeType: 'application/pdf', buffer: Buffer.from('just some text') });
  await page.getByText(/This file was refused/).waitFor();
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  await input.setInputFiles({ name: 'certificate.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n') });
  await page.getByText('certificate.pdf is attached.').waitFor();
  await page.getByRole('link', { name: 'certificate.pdf' }).waitFor();

  await page.getByRole('button', { name: 'Submit the application' }).click();
  await page.getByRole('heading', { name: 'Theatre workshop' }).waitFor();
  assert.match(await page.getByTestId('submit-result').innerText(), /Your application has been submitted/);
  assert.doesNotMatch(await page.getByTestId('submit-result').innerText(), /may not be eligible/);
  assert.match(await page.getByTestId('application-status').innerText(), /submitted/);
  state.application = Number(page.url().match(/applications\/(\d+)/)[1]);

  // A second idea sent without the document: the rules' warnings come back in words, and the
  // applicant withdraws it.
  await page.goto(`${server.base}/w/demo/calls/${state.call}/apply`);
  await page.getByLabel('Title', { exact: true }).fill('Second idea');
  await page.getByLabel('Description of the project').fill('A reading room.');
  await page.getByLabel('First day').fill('2027-03-01');
  await page.getByLabel('Last day', { exact: true }).fill('2027-03-10');
  await page.getByRole('button', { name: 'Submit the application' }).click();
  const result = page.getByTestId('submit-result');
  await result.waitFor();
  assert.match(await result.innerText(), /may not be eligible/);
  assert.match(await result.innerText(), /The period asked for is shorter than the call allows/);
  assert.match(await result.innerText(), /A required document is missing: insurance certificate/);
  await page.getByRole('button', { name: 'Withdraw the application' }).click();
  await page.getByRole('button', { name: 'Yes, withdraw it' }).click();
  await page.getByText('The application was withdrawn.').waitFor();
  await page.getByTestId('application-status').getByText('withdrawn').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the officer closes the call, checks eligibility and starts the evaluation with two evaluators', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(state.manage);
  await page.getByRole('button', { name: 'Close the call' }).click();
  await page.getByText('The call is now closed.').waitFor();
  // The rules were applied at the deadline.
  await page.getByTestId(`eligibility-${state.application}`).locator('strong', { hasText: /^eligible$/ }).waitFor();

  // Evaluation needs a jury: the API's refusal is shown.
  await page.getByRole('button', { name: 'Start the evaluation' }).click();
  await page.getByRole('alert').getByText("assign the call's evaluators first").waitFor();

  for (const email of ['eve@example.org', 'finn@example.org']) {
    await page.getByLabel('E-mail of an evaluator').fill(email);
    await page.getByRole('button', { name: 'Add to the jury' }).click();
    await page.getByTestId('jury').getByText(email).waitFor();
  }
  await page.getByRole('button', { name: 'Start the evaluation' }).click();
  await page.getByText('The call is now in evaluation.').waitFor();
  await page.getByTestId('call-state').getByText('in evaluation').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('two evaluators score; each sees the other sheets only after submitting their own', async () => {
  const eve = await pageAs('eve@example.org');
  await eve.goto(`${server.base}/w/demo/calls/${state.call}`);
  await eve.getByRole('link', { name: 'Evaluate the applications (1)' }).click();
  await eve.getByRole('heading', { name: 'Evaluation: Meanwhile spaces 2027' }).waitFor();
  const sheet = eve.getByTestId('sheet');
  await sheet.getByLabel('Fit with the site (from 0 to 10)').fill('8');
  await sheet.getByLabel('Comment on Fit with the site').fill('The hall suits rehearsals.');
  await sheet.getByLabel('Team and project (from 0 to 5)').fill('4');
  assert.deepEqual(await axeViolations(eve), []);
  await sheet.getByRole('button', { name: 'Submit the sheet' }).click();
  await sheet.getByText('The sheet is submitted.').waitFor();
  await eve.getByTestId('other-sheets').waitFor();
  assert.equal(await eve.getByTestId('other-sheets').locator('tbody tr').count(), 1);

  const finn = await pageAs('finn@example.org');
  await finn.goto(`${server.base}/w/demo/calls/${state.call}/evaluate`);
  const his = finn.getByTestId('sheet');
  await his.getByLabel('Fit with the site (from 0 to 10)').fill('6');
  await his.getByRole('button', { name: 'Save the draft' }).click();
  await his.getByText('The sheet is saved as a draft.').waitFor();
  assert.equal(await finn.getByTestId('other-sheets').count(), 0, 'no other sheet before submitting');
  // Scores stay on the criterion's scale.
  await his.getByLabel('Team and project (from 0 to 5)').fill('7');
  await his.getByRole('button', { name: 'Submit the sheet' }).click();
  await his.getByRole('alert').waitFor();
  await his.getByLabel('Team and project (from 0 to 5)').fill('5');
  await his.getByRole('button', { name: 'Submit the sheet' }).click();
  await his.getByText('The sheet is submitted.').waitFor();
  await finn.getByTestId('other-sheets').waitFor();
  assert.equal(await finn.getByTestId('other-sheets').locator('tbody tr').count(), 2);
  assert.match(await his.innerText(), /Combined score 82/);
  assert.deepEqual(eve.errors, []);
  assert.deepEqual(finn.errors, []);
  await eve.context().close();
  await finn.context().close();
});

test('the officer runs the allocation, adjusts it, publishes, and the applicant reads the decision', async () => {
  const page = await newPage(browser, server.base, { signedIn: true });
  await page.goto(state.manage);
  const ranking = page.getByTestId('ranking');
  await ranking.waitFor();
  assert.match(await ranking.innerText(), /Theatre workshop[\s\S]*82/);
  await page.getByRole('link', { name: 'Allocation' }).click();
  await page.getByRole('heading', { name: 'Allocation: Meanwhile spaces 2027' }).waitFor();
  await page.getByText('The allocation has not run yet.').waitFor();
  await page.getByRole('button', { name: 'Run the allocation' }).click();
  await page.getByText('The allocation has run: review the proposal.').waitFor();
  const summary = await page.getByTestId('proposal-summary').innerText();
  assert.match(summary, /proven optimal/);
  assert.match(summary, /Network flow/);
  assert.match(await page.getByTestId('assignments').innerText(), /Theatre workshop\s+Market hall/);

  // An excluded pair leaves the theatre without a place; undoing it gives the hall back.
  await page.getByRole('button', { name: 'Exclude Theatre workshop from Market hall' }).click();
  await page.getByText('The adjustments are saved and the allocation ran again.').waitFor();
  await page.getByTestId('adjustments').getByText('Theatre workshop is excluded from Market hall').waitFor();
  assert.equal(await page.getByTestId('assignments').count(), 0);
  await page.getByText('Theatre workshop – gets no place').click();
  await page.getByText('Market hall: an officer excluded this pairing').waitFor();
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByTestId('assignments').waitFor();
  assert.deepEqual(await axeViolations(page), []);

  await page.getByRole('button', { name: 'Publish the decisions' }).click();
  await page.getByText(/Publish the decisions now \(1 places allocated\)/).waitFor();
  await page.getByRole('button', { name: 'Yes, publish' }).click();
  await page.getByText('Published: 1 decisions, 1 places allocated, 1 e-mails queued.').waitFor();
  await page.getByTestId('call-state').getByText('decided').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();

  const ana = await pageAs('ana@example.org');
  await ana.goto(`${server.base}/`);
  await ana.getByRole('link', { name: 'My applications' }).click();
  await ana.getByRole('heading', { name: 'My applications' }).waitFor();
  assert.match(await ana.locator('main table').innerText(), /Theatre workshop\s+Meanwhile spaces 2027[\s\S]*a place was allocated/);
  await ana.getByRole('link', { name: 'Theatre workshop' }).click();
  const decision = ana.getByTestId('decision');
  await decision.waitFor();
  assert.match(await decision.getByRole('heading', { level: 2 }).innerText(), /Decision: a place was allocated/);
  assert.match(await ana.getByTestId('allocated').innerText(), /Allocated: Market hall, 1 Mar 2027 – 31 Aug 2027/);
  const why = await decision.innerText();
  assert.match(why, /score given by the jury: 82/);
  assert.match(why, /It was choice number 1/);
  assert.match(why, /Rail yard: it is outdoors; you asked for an indoor place/);
  assert.deepEqual(await axeViolations(ana), []);
  assert.deepEqual(ana.errors, []);
  await ana.context().close();
});
