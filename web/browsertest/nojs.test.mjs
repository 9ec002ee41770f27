// The explorer without JavaScript: the search form, facets, paging, and the
// variable and dataset pages are plain HTML and work as they are.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiTotal, assertClean, hitLinks, newPage, resultCount, screenshot, selectedFacets, setUp } from './harness.mjs';

const env = setUp({ before, after });

test('search, facets, paging, variable and dataset pages without JavaScript', async () => {
  const { page, problems } = await newPage(env, { javaScriptEnabled: false });
  await page.goto(`${env.url}/`);
  await screenshot(page, 'nojs-home');

  // The search form submits by itself.
  await page.locator('input[name="q"]').fill('alder');
  await Promise.all([page.waitForURL(/\/search\?q=alder/), page.locator('form[role="search"] button[type="submit"]').click()]);
  const all = await apiTotal(env, { q: 'alder', type: 'variable' });
  assert.equal(await resultCount(page), all);

  // Two facets, then one cleared.
  await Promise.all([page.waitForURL(/publisher=/), page.locator('aside.facets a[href*="publisher=Folkehelseinstituttet"]').click()]);
  await Promise.all([page.waitForURL(/datatype=/), page.locator('aside.facets a[href*="datatype=integer"]').click()]);
  assert.deepEqual((await selectedFacets(page)).sort(), ['datatype=integer', 'publisher=Folkehelseinstituttet']);
  assert.equal(await resultCount(page), await apiTotal(env, { q: 'alder', type: 'variable', publisher: 'Folkehelseinstituttet', datatype: 'integer' }));
  await screenshot(page, 'nojs-facets');
  await Promise.all([page.waitForURL((u) => !u.searchParams.has('publisher')), page.locator('ul.chips a', { hasText: 'Folkehelseinstituttet' }).click()]);
  assert.deepEqual(await selectedFacets(page), ['datatype=integer']);

  // Paging, on the search without filters.
  await page.goto(`${env.url}/search?q=alder`);
  const first = await hitLinks(page);
  await Promise.all([page.waitForURL(/page=2/), page.locator('nav.pager a[rel="next"]').click()]);
  const second = await hitLinks(page);
  assert.equal(second.length, 20);
  assert.deepEqual(second.filter((h) => first.includes(h)), []);

  // A variable, its dataset, and the dataset's second page.
  await Promise.all([page.waitForURL(/\/variables\//), page.locator('.hits > li h3 a').first().click()]);
  assert.ok((await page.locator('main h1 code').innerText()).length > 0, 'the variable page names the variable');
  await screenshot(page, 'nojs-variable');
  await page.goto(`${env.url}/variables/MFR:KJONN`);
  assert.equal(await page.locator('table.codes tbody tr').count(), 4);
  await Promise.all([page.waitForURL(/\/datasets\/MFR$/), page.locator('.crumbs a[href="/datasets/MFR"]').click()]);
  assert.equal(await page.locator('table.vars tbody tr').count(), 100);
  await Promise.all([page.waitForURL(/page=2/), page.locator('nav.pager a[rel="next"]').click()]);
  assert.equal(await page.locator('table.vars tbody tr').count(), 83);
  await screenshot(page, 'nojs-dataset-page-2');

  // The sources page too.
  await page.goto(`${env.url}/sources`);
  assert.ok(await page.locator('table.sources a[href="/sources/fhi-mfr"]').count() === 1);
  assertClean(problems);
});
