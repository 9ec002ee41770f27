// harness.mjs: what every browser test file shares. setUp gives a test file
// a katalog and a browser: startKatalog runs `katalog serve` on the test
// configuration in a fresh data folder and waits until it is ready, and
// launchBrowser starts Debian's chromium through playwright-core (no browser
// download). newPage, watchPage, screenshot and assertAccessible (axe-core)
// are what the tests repeat.
//
// The harness builds nothing: `make browsertest` builds bin/katalog first and
// names it in KATALOG_BIN (default: ../../bin/katalog from this folder).
// KATALOG_BROWSERTEST_CONFIG names another configuration (default:
// katalog.yaml here), CHROMIUM another browser (default: /usr/bin/chromium).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

export const katalogBin = resolve(process.env.KATALOG_BIN || join(here, '../../bin/katalog'));
export const configPath = resolve(process.env.KATALOG_BROWSERTEST_CONFIG || join(here, 'katalog.yaml'));
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
export const screenshotDir = join(here, '../testdata/screenshots');

// How long the first harvest of the test feeds may take (it takes about a
// second on two cores).
const readyTimeoutMs = 30_000;

// freePort asks the kernel for a port nobody listens on.
function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

// startKatalog starts `katalog serve` on a free port with an empty data
// folder, waits for /readyz to answer 200 (the first harvest is done), and
// returns { url, stop, log }. stop ends the server and removes the data
// folder; if the test process exits first (a failure, a timeout), the
// server is killed then, so no test leaves one behind.
export async function startKatalog() {
  try {
    accessSync(katalogBin, constants.X_OK);
  } catch {
    throw new Error(`no katalog binary at ${katalogBin}: run the tests with \`make browsertest\` (it builds bin/katalog), or set KATALOG_BIN`);
  }
  if (!existsSync(configPath)) throw new Error(`no configuration at ${configPath}`);
  // Another process may take the free port before katalog listens on it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await serve();
    } catch (err) {
      if (attempt === 3 || !/address already in use/.test(err.message)) throw err;
    }
  }
}

async function serve() {
  const data = mkdtempSync(join(tmpdir(), 'katalog-browsertest-'));
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const child = spawn(katalogBin, ['serve', '--config', configPath, '--addr', addr, '--data', data], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // No admin token: the tests use the public pages only.
    env: { ...process.env, KATALOG_ADMIN_TOKEN: '' },
  });
  let log = '';
  child.stdout.on('data', (b) => { log += b; });
  child.stderr.on('data', (b) => { log += b; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal || `exit status ${code}`; });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killNow);
    if (exited === null) {
      const gone = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(data, { recursive: true, force: true });
  };
  // The test runner may end the process without running after() hooks (a
  // timeout, an uncaught error): kill the server then too.
  function killNow() {
    if (exited === null) child.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
  }
  process.on('exit', killNow);

  const url = `http://${addr}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`katalog serve stopped (${exited}) before it was ready; its log:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`katalog serve was not ready after ${readyTimeoutMs / 1000} s; its log:\n${log}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return { url, stop, log: () => log };
}

// launchBrowser starts Debian's chromium headless.
export async function launchBrowser() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no chromium at ${chromiumPath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

// setUp starts a katalog and a browser for one test file and stops both
// after it, whether its tests passed or not. Use it at the top of a file:
//   const env = setUp(); … env.url, env.browser
export function setUp({ before, after }) {
  const env = {};
  before(async () => {
    const [k, b] = await Promise.allSettled([startKatalog(), launchBrowser()]);
    if (k.status === 'fulfilled') Object.assign(env, { url: k.value.url, stopKatalog: k.value.stop, katalogLog: k.value.log });
    if (b.status === 'fulfilled') env.browser = b.value;
    if (k.status === 'rejected') throw k.reason;
    if (b.status === 'rejected') throw b.reason;
  });
  after(async () => {
    await env.browser?.close();
    await env.stopKatalog?.();
  });
  return env;
}

// watchPage fails the test on what a page must never do: open a dialog
// (alert, confirm, prompt: a script from a feed ran), throw an uncaught
// error, or log a Content-Security-Policy violation. It returns the list of
// problems; call assertClean(problems) at the end of the test.
export function watchPage(page) {
  const problems = [];
  page.on('dialog', async (d) => {
    problems.push(`a ${d.type()} dialog opened: ${JSON.stringify(d.message())}`);
    await d.dismiss().catch(() => {});
  });
  page.on('pageerror', (err) => problems.push(`uncaught error in the page: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  return problems;
}

// screenshot saves a full-page screenshot as
// web/testdata/screenshots/<name>.png (not committed).
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');

// The impacts that fail a page.
const failingImpacts = new Set(['serious', 'critical']);

// checkAccessibility runs axe-core on the page as it is now and returns its
// serious and critical violations, formatted one per line with the rule,
// its help text, the selectors of the elements and what to fix. The page's
// CSP (script-src 'self') blocks injected script tags and eval, so axe's
// source goes in through page.evaluate, which the CSP does not govern.
export async function checkAccessibility(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const out = [];
  for (const v of results.violations) {
    if (!failingImpacts.has(v.impact)) continue;
    out.push(`${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) {
      out.push(`    ${n.target.join(' ')}`);
      if (n.failureSummary) out.push(`      ${n.failureSummary.replace(/\n/g, '\n      ')}`);
    }
  }
  return out;
}

// assertAccessible fails with checkAccessibility's list if it is not empty.
export async function assertAccessible(page) {
  const violations = await checkAccessibility(page);
  if (violations.length > 0) {
    throw new Error(`axe-core found serious or critical violations on ${page.url()}:\n${violations.join('\n')}`);
  }
}

// newPage opens a page in a fresh browser context (its own cookies) that
// watchPage watches. Options go to browser.newContext, e.g.
// { javaScriptEnabled: false }.
export async function newPage(env, options = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO', ...options });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = watchPage(page);
  return { context, page, problems };
}

// assertClean fails if watchPage saw a problem.
export function assertClean(problems) {
  if (problems.length > 0) throw new Error(`the page misbehaved:\n  ${problems.join('\n  ')}`);
}

// apiTotal returns the number of hits the search API gives for the same
// parameters, to check the count a page shows.
export async function apiTotal(env, params) {
  const res = await fetch(`${env.url}/api/v1/search?${new URLSearchParams({ ...params, size: '1' })}`);
  if (!res.ok) throw new Error(`GET /api/v1/search: ${res.status} ${await res.text()}`);
  return (await res.json()).total;
}

// resultCount reads the number of results from the search page's heading.
export async function resultCount(page) {
  const text = await page.locator('#results-h').innerText();
  const m = /^\s*(\d+)/.exec(text);
  if (!m) throw new Error(`the results heading ${JSON.stringify(text)} starts with no count`);
  return Number(m[1]);
}

// selectedFacets lists the facet values the page shows as selected, as
// "name=value". A selected value's link removes it from the search, so
// the value is what the page's URL has and the link's has not.
export async function selectedFacets(page) {
  const current = new URL(page.url()).searchParams;
  const hrefs = await page.locator('aside.facets a.on').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return hrefs.map((href) => {
    const link = new URL(href, page.url()).searchParams;
    return [...current]
      .filter(([k, v]) => k !== 'page' && k !== 'lang' && !link.getAll(k).includes(v))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  });
}

// hitLinks returns the links of the hits' headings, in order.
export async function hitLinks(page) {
  return page.locator('.hits > li h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
}
