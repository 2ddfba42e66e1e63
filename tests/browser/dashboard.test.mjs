// The managers' dashboard in a real browser (Debian's chromium through puppeteer-core): every page
// loads without a script error, shows the figures the JSON API gives the same user, passes
// axe-core's WCAG 2.2 AA rules, can be worked by keyboard alone and fits 320 px; one team's
// manager never sees another team's children; a command changes the overview live; nothing is
// requested from anywhere but casegate serve. Screenshots go to $CASEGATE_SCREENSHOTS.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { CasegateServer, seed } from './casegate_server.mjs';

const binary = process.env.CASEGATE_BIN ?? path.resolve('../../build/bin/casegate');
const screenshots = process.env.CASEGATE_SCREENSHOTS ?? path.resolve('../../build/dashboard-screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
mkdirSync(screenshots, { recursive: true });

let server, browser, work;
const period = { from: '2020-01-01', to: '2099-12-31' };

before(async () => {
  server = new CasegateServer(binary);
  await server.start();
  work = await seed(server);
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run', '--disable-extensions'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// A tab signed in through the form as `user`, recording script errors and every request.
async function signedInPage(user, { width = 1280 } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900 });
  page.problems = [];
  page.requests = [];
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // The first load asks before a token is given: those 401s are the sign-in working.
    if (message.type() === 'error' && !/status of 401/.test(message.text())) page.problems.push(message.text());
  });
  page.on('request', (request) => page.requests.push(request.url()));
  await page.goto(`${server.origin}/`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('#token');
  await page.type('#token', server.token(user));
  await Promise.all([page.waitForSelector('main h1:not([data-loading])'), page.keyboard.press('Enter')]);
  await page.waitForFunction(() => document.querySelector('main h1')?.textContent !== 'Sign in');
  return page;
}

async function show(page, hash) {
  await page.evaluate((target) => { location.hash = target; }, hash);
  await page.waitForNetworkIdle({ idleTime: 300 });
  await page.waitForFunction(() => !document.querySelector('main p')?.textContent.startsWith('Loading'));
}

async function figures(page) {
  return page.$$eval('[data-figure]', (elements) =>
    Object.fromEntries(elements.map((e) => [e.dataset.figure, e.textContent.trim()])));
}

const number = (text) => Number(String(text).replaceAll(',', ''));

async function axeViolations(page) {
  await page.evaluate(axeSource);  // through the debugger protocol: the page's own policy allows no inline script
  const result = await page.evaluate(() => axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

// Tabs through the page and returns the controls that the keyboard never reached.
async function unreachableByKeyboard(page) {
  const total = await page.evaluate(() => {
    const controls = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex="0"]')]
      .filter((e) => e.getClientRects().length > 0 && !e.closest('[hidden]'));
    controls.forEach((e, i) => { e.dataset.keyboard = String(i); });
    document.activeElement?.blur();
    window.scrollTo(0, 0);
    return controls.length;
  });
  const reached = new Set();
  // A date input takes a Tab for each of its parts, so more presses than controls may be needed.
  for (let press = 0; reached.size < total && press < total * 4 + 20; ++press) {
    await page.keyboard.press('Tab');
    const seen = await page.evaluate(() => {
      const active = document.activeElement;
      const style = active ? getComputedStyle(active) : null;
      return { key: active?.dataset.keyboard ?? null, outline: style ? style.outlineStyle : 'none' };
    });
    if (seen.key !== null) {
      reached.add(seen.key);
      assert.notEqual(seen.outline, 'none', 'a focused control shows where focus is');
    }
  }
  return page.evaluate((keys) => [...document.querySelectorAll('[data-keyboard]')]
    .filter((e) => !keys.includes(e.dataset.keyboard)).map((e) => e.outerHTML.slice(0, 80)), [...reached]);
}

async function check(page, name, hash, expected) {
  await show(page, hash);
  const shown = await figures(page);
  for (const [key, value] of Object.entries(await expected())) assert.equal(number(shown[key]), value, `${name}: ${key}`);
  assert.deepEqual(page.problems, [], `${name}: no script or console error`);
  assert.deepEqual(await axeViolations(page), [], `${name}: axe finds nothing`);
  assert.deepEqual(await unreachableByKeyboard(page), [], `${name}: every control is reachable by keyboard`);
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  await page.setViewport({ width: 320, height: 800 });
  await page.waitForNetworkIdle({ idleTime: 100 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name}: fits 320 px (the page is ${overflow} px too wide)`);
  await page.screenshot({ path: path.join(screenshots, `${name}-320px.png`), fullPage: true });
  await page.setViewport({ width: 1280, height: 900 });
}

const count = (rows, test) => rows.filter(test).length;
const query = (params) => new URLSearchParams(params).toString();

describe('every page, as the north team manager', () => {
  let page;
  before(async () => { page = await signedInPage('tm.north'); });
  after(async () => { await page.close(); });
  const as = (apiPath) => server.get('tm.north', apiPath);

  test('overview', () => check(page, 'overview', '#/', async () => {
    const [caseload, overdue, due, grants, actions, actionsDue] = await Promise.all([
      as('oversight/caseload'), as('oversight/overdue'), as('oversight/due?working_days=5'),
      as('oversight/access?unreviewed=true'), as('oversight/actions'),
      as('oversight/due?working_days=5&workflow=improvement_action')]);
    const expected = {
      'open-cases': caseload.open, overdue: overdue.total, due: due.total, 'unreviewed-grants': grants.length,
      'actions-late': actions.reduce((sum, row) => sum + row.open_overdue, 0),
      'actions-at-risk': actionsDue.total,
    };
    for (const s of caseload.states) expected[`state:${s.workflow}/${s.state}`] = s.cases;
    assert.ok(expected.overdue > 0 && expected['unreviewed-grants'] === 1 && expected['actions-late'] === 1);
    assert.equal(expected['actions-at-risk'], count(due.clocks, (c) => c.workflow === 'improvement_action'));
    return expected;
  }));
  test('overdue clocks', () => check(page, 'overdue', '#/overdue', async () =>
    ({ 'overdue-total': (await as('oversight/overdue')).total })));
  test('clocks due soon', () => check(page, 'due', '#/due', async () =>
    ({ 'due-total': (await as('oversight/due')).total })));
  test('timeliness', async () => {
    await check(page, 'timeliness', '#/timeliness', async () => ({}));
    const month = new Date().toISOString().slice(0, 7);
    const [year, m] = month.split('-').map(Number);
    const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
    const report = await as(`oversight/timeliness?from=${month}-01&to=${month}-${last}&by=clock`);
    const rows = await page.$$eval('table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    const thisMonth = rows.filter((r) => r[0] === month);
    assert.equal(thisMonth.length, report.rows.length);
    for (const row of report.rows) {
      const shown = thisMonth.find((r) => r[1] === row.clock.replaceAll('_', ' '));
      assert.deepEqual(shown.slice(2, 6).map(number), [row.met_on_time, row.met_late, row.overdue, row.running], row.clock);
    }
  });
  test('the clocks behind a timeliness figure', async () => {
    await show(page, '#/timeliness');
    const behind = await page.$$eval('main table a[href^="#/clocks?"]', (links) => links.map((a) => a.getAttribute('href')));
    assert.ok(behind.length > 0, 'the timeliness figures link to their clocks');
    const target = behind[0];
    await check(page, 'clocks', target, async () =>
      ({ 'clocks-total': (await as(`oversight/clocks?${target.split('?')[1]}`)).total }));
  });
  test('exceptions', () => check(page, 'exceptions', `#/exceptions?${query(period)}`, async () => {
    const [refusals, overrides, grants] = await Promise.all([
      as(`oversight/refusals?${query(period)}`), as(`oversight/overrides?${query(period)}`), as(`oversight/access?${query(period)}`)]);
    assert.ok(refusals.length > 0 && overrides.length > 0);
    return { refusals: refusals.length, overrides: overrides.length, grants: grants.length };
  }));
  test('voice of the child', () => check(page, 'voice', `#/voice?${query(period)}`, async () => {
    const rows = await as(`oversight/voice?${query(period)}`);
    return { 'voice-captured': count(rows, (r) => r.captured), 'voice-missing': count(rows, (r) => !r.captured) };
  }));
  test('strategy meetings', () => check(page, 'strategy-meetings', `#/strategy-meetings?${query(period)}`, async () => {
    const rows = await as(`oversight/strategy-meetings?${query(period)}`);
    assert.ok(rows.length > 0);
    return {
      'meetings-held': rows.length, 'meetings-within': count(rows, (r) => r.timeliness === 'within'),
      'meetings-late': count(rows, (r) => r.timeliness === 'late'),
    };
  }));
  test('improvement actions by theme', () => check(page, 'actions', '#/actions', async () => {
    const [list, cases] = await Promise.all([as('oversight/actions?by=action'), as('cases?workflow=improvement_action&limit=1000')]);
    assert.equal(list.length, cases.cases.length);
    return { 'actions-shown': list.length };
  }));
  test('each action shows what was recorded on it, not what its state implies', async () => {
    await show(page, '#/actions');
    const cells = (id) => page.$eval(`main table a[href="#/case/${id}"]`,
      (a) => [...a.closest('tr').cells].map((c) => c.textContent.trim()));
    const list = await as('oversight/actions?by=action');
    const [assured, overridden] = [work.actions[3], work.actions[4]].map((id) => list.find((r) => r.case === id));
    assert.equal(assured.sign_off.by, 'board.ross');
    assert.equal(overridden.state, 'completed');
    assert.equal(overridden.evidence, null);
    const [, , , , , assuredState, , evidence, audit, signOff] = await cells(assured.case);
    assert.equal(assuredState, 'closed');
    assert.match(evidence, /^Supervision audit report, Q1: https:\/\/intranet\.example\/audit-q1 \(tm\.north, /);
    assert.match(audit, /^effective: Sampled 20 case files \(aud\.lee, /);
    assert.match(signOff, /^Accepted by the improvement board \(board\.ross, /);
    const shown = await cells(overridden.case);
    assert.equal(shown[5], 'completed');
    assert.deepEqual(shown.slice(7), ['none recorded', 'none recorded', 'none recorded']);
  });
  test('cases', async () => {
    await check(page, 'cases', '#/cases', async () => ({}));
    const listed = await as('cases?limit=100');
    assert.equal(await page.$eval('table', (t) => Number(t.dataset.count)), listed.cases.length);
  });
  test('a case', async () => {
    await check(page, 'case', `#/case/${work.north[0]}`, async () => ({}));
    const status = await as(`cases/${work.north[0]}`);
    assert.equal(await page.$eval('[data-figure="case-state"]', (e) => e.textContent), status.state.replaceAll('_', ' '));
    const counts = await page.$$eval('table', (tables) => tables.map((t) => Number(t.dataset.count)));
    assert.deepEqual(counts.slice(0, 2), [status.events.length, status.clocks.length]);
    // The timeline as the page read it: the API's entries up to the newest shown (our own reads
    // since are views of the case too, and come after).
    const seqs = await page.$eval('main .table-wrap:last-of-type table', (t) =>
      [...t.tBodies[0].rows].map((r) => Number(r.cells[0].textContent)));
    const history = await as(`cases/${work.north[0]}/history`);
    assert.deepEqual(seqs, history.map((e) => e.seq).filter((seq) => seq <= Math.max(...seqs)));
  });
  test('workflows', async () => {
    await check(page, 'workflows', '#/workflows', async () => ({}));
    const list = await as('workflows');
    assert.equal(await page.$eval('table', (t) => Number(t.dataset.count)), list.length);
    await check(page, 'workflow', '#/workflow/child_protection?version=2', async () => ({}));
    const workflow = await as('workflows/child_protection?version=2');
    assert.equal(await page.$$eval('svg.diagram path[marker-end]', (paths) => paths.length), workflow.transitions.length);
    assert.equal(await page.$eval('table', (t) => Number(t.dataset.count)), workflow.transitions.length);
  });
  test('nothing is requested from anywhere but casegate serve', () => {
    // data: URLs are the browser's own (a date input's calendar icon), not requests to anyone.
    const elsewhere = page.requests.filter((url) => !url.startsWith(`${server.origin}/`) && !url.startsWith('data:'));
    assert.ok(page.requests.length > 20);
    assert.deepEqual(elsewhere, []);
    assert.ok(!page.requests.some((url) => url.includes(server.token('tm.north'))), 'the token is never in a URL');
  });
  test('the print stylesheet leaves out the controls', async () => {
    await show(page, '#/');
    await page.emulateMediaType('print');
    assert.equal(await page.$eval('nav', (n) => getComputedStyle(n).display), 'none');
    assert.equal(await page.$eval('main h1', (h) => getComputedStyle(h).display), 'block');
    await page.screenshot({ path: path.join(screenshots, 'overview-print.png'), fullPage: true });
    await page.emulateMediaType(null);
  });
});

test('a manager of another team sees none of the first team\'s children', async () => {
  const page = await signedInPage('tm.south');
  for (const hash of ['#/', '#/overdue', '#/cases', `#/exceptions?${query(period)}`, `#/voice?${query(period)}`,
    `#/strategy-meetings?${query(period)}`, '#/actions']) {
    await show(page, hash);
    const text = await page.$eval('main', (m) => m.textContent);
    assert.doesNotMatch(text, /NORTH-CHILD/, hash);
    for (const id of work.north) assert.ok(!(await page.$(`main a[href="#/case/${id}"]`)), `${hash} links case ${id}`);
  }
  assert.ok((await page.$eval('main', (m) => m.textContent)).length > 0);
  await show(page, `#/case/${work.north[0]}`);
  const denied = await page.$eval('main', (m) => m.textContent);
  assert.match(denied, /no access/);
  assert.doesNotMatch(denied, /NORTH-CHILD/);
  await page.close();
});

test('a command changes the overview live, and again after the feed is dropped', async () => {
  const page = await signedInPage('tm.north');
  await show(page, '#/');
  await page.waitForFunction(() => document.getElementById('live-status').dataset.state === 'on');
  const open = async () => Number((await page.$eval('[data-figure="open-cases"]', (e) => e.textContent)).replaceAll(',', ''));
  const before = await open();
  await server.api('sw.north', 'POST', 'cases', { workflow: 'child_protection', subject: 'NORTH-CHILD-LIVE-1' });
  await page.waitForFunction((n) => Number(document.querySelector('[data-figure="open-cases"]').textContent) === n,
    { timeout: 15000 }, before + 1);
  // Dropped: the page reconnects from the last event it had, so a case opened meanwhile shows.
  await page.evaluate(() => window.casegateLive.reconnect());
  await server.api('sw.north', 'POST', 'cases', { workflow: 'child_protection', subject: 'NORTH-CHILD-LIVE-2' });
  await page.waitForFunction((n) => Number(document.querySelector('[data-figure="open-cases"]').textContent) === n,
    { timeout: 15000 }, before + 2);
  assert.equal((await server.get('tm.north', 'oversight/caseload')).open, before + 2);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('behind a proxy that adds the token, no sign-in is asked for', async () => {
  const page = await browser.newPage();
  await page.setExtraHTTPHeaders({ Authorization: `Bearer ${server.token('aud.lee')}` });
  let bytes = 0;
  page.on('response', async (response) => {
    try { bytes += (await response.buffer()).length; } catch { /* a stream, such as the live feed */ }
  });
  await page.goto(`${server.origin}/`, { waitUntil: 'load' });  // the live feed stays open: never idle
  await page.waitForSelector('[data-figure="open-cases"]');
  assert.equal(number(await page.$eval('[data-figure="open-cases"]', (e) => e.textContent)),
    (await server.get('aud.lee', 'oversight/caseload')).open);
  assert.equal(await page.$('#token'), null);
  assert.equal(await page.$eval('#account', (e) => e.hidden), true);
  assert.ok(bytes > 0 && bytes < 300 * 1024, `the first page weighs ${bytes} bytes`);
  await page.close();
});

test('a bad token is refused and the form asks again; signing out forgets the token', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('#token');
  assert.deepEqual(await axeViolations(page), [], 'the sign-in page: axe finds nothing');
  assert.deepEqual(await unreachableByKeyboard(page), [], 'the sign-in page: every control is reachable by keyboard');
  await page.screenshot({ path: path.join(screenshots, 'sign-in.png'), fullPage: true });
  await page.type('#token', 'not-a-token');
  await page.keyboard.press('Enter');
  await page.waitForSelector('main [role="alert"]');
  assert.match(await page.$eval('main [role="alert"]', (e) => e.textContent), /not accepted/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('casegate.token')), null);
  await page.type('#token', server.token('tm.north'));
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-figure="open-cases"]');
  assert.ok(!page.url().includes('ey'), 'the token is not in the address');
  await page.click('#sign-out');
  await page.waitForSelector('#token');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('casegate.token')), null);
  await page.close();
});

test('the dashboard\'s files carry a policy that keeps every request on this origin', async () => {
  for (const file of ['/', '/ui/app.js', '/ui/dashboard.css']) {
    const response = await fetch(`${server.origin}${file}`);
    assert.equal(response.status, 200, file);
    assert.match(response.headers.get('content-security-policy'), /default-src 'none'.*connect-src 'self'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  }
  assert.equal((await fetch(`${server.origin}/ui/nothing.js`)).status, 404);
  assert.equal((await fetch(`${server.origin}/ui/../v1/cases`)).status, 401);
});
