// The first search page's weight (issue: ≤ 100 KB transferred, compressed):
// every byte a fresh browser downloads for it, counted by the browser.
// Time to first byte and load times are printed, not asserted (this
// machine's load varies too much for a time limit in a test).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, newPage, setUp } from './harness.mjs';

const env = setUp({ before, after });

const budget = 100 * 1024;

for (const path of ['/search?q=vekt', '/search?q=blodtrykk&publisher=Folkehelseinstituttet', '/']) {
  test(`first visit of ${path}: at most 100 KB transferred`, async () => {
    const { page, problems, context } = await newPage(env);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const files = [];
    cdp.on('Network.loadingFinished', (e) => files.push(e.encodedDataLength));
    await page.goto(`${env.url}${path}`, { waitUntil: 'load' });
    await page.waitForTimeout(200); // the last loadingFinished events
    const bytes = files.reduce((a, b) => a + b, 0);
    const t = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return { ttfb: n.responseStart - n.requestStart, dcl: n.domContentLoadedEventEnd - n.startTime, load: n.loadEventEnd - n.startTime };
    });
    console.log(`${path}: ${bytes} bytes in ${files.length} requests; TTFB ${t.ttfb.toFixed(1)} ms, DOMContentLoaded ${t.dcl.toFixed(0)} ms, load ${t.load.toFixed(0)} ms`);
    assert.ok(bytes <= budget, `${bytes} bytes transferred; the budget is ${budget}`);
    assert.ok(files.length <= 4, `${files.length} requests: the page, its stylesheet, script and icon`);
    assertClean(problems);
    await context.close();
  });
}
