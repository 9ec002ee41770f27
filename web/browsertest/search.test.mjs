// The search page: a query, two facets selected and one cleared, the back
// button, the variables and datasets tabs, and paging.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiTotal, assertClean, hitLinks, newPage, resultCount, screenshot, selectedFacets, setUp } from './harness.mjs';

const env = setUp({ before, after });

test('search, select two facets, clear one, go back', async () => {
  const { page, problems } = await newPage(env);
  await page.goto(`${env.url}/`);
  // Typed key by key, as a person would (suggestions may open), then submitted.
  await page.locator('input[name="q"]').pressSequentially('vekt');
  await Promise.all([page.waitForURL(/\/search\?/), page.locator('form[role="search"] button[type="submit"]').click()]);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'vekt');
  const all = await apiTotal(env, { q: 'vekt', type: 'variable' });
  assert.ok(all > 5, `the fixtures have ${all} variables matching "vekt"; the test needs more than 5`);
  assert.equal(await resultCount(page), all, 'the count in the heading is the API total');
  assert.equal(await page.locator('.hits > li').count(), Math.min(all, 20));
  await screenshot(page, 'search-results');

  // The first facet: FHI as register holder.
  await Promise.all([page.waitForURL(/publisher=/), page.locator('aside.facets a[href*="publisher=Folkehelseinstituttet"]').click()]);
  let params = new URL(page.url()).searchParams;
  assert.deepEqual(params.getAll('publisher'), ['Folkehelseinstituttet']);
  assert.equal(params.get('q'), 'vekt');
  const fhi = await apiTotal(env, { q: 'vekt', type: 'variable', publisher: 'Folkehelseinstituttet' });
  assert.ok(fhi < all, `publisher=Folkehelseinstituttet narrows ${all} to ${fhi}`);
  assert.equal(await resultCount(page), fhi);
  assert.deepEqual(await selectedFacets(page), ['publisher=Folkehelseinstituttet']);
  await assertChips(page, ['Folkehelseinstituttet']);

  // The second: integers. Both stay selected, as repeated parameters.
  await Promise.all([page.waitForURL(/datatype=/), page.locator('aside.facets a[href*="datatype=integer"]').click()]);
  params = new URL(page.url()).searchParams;
  assert.deepEqual(params.getAll('publisher'), ['Folkehelseinstituttet']);
  assert.deepEqual(params.getAll('datatype'), ['integer']);
  const both = await apiTotal(env, { q: 'vekt', type: 'variable', publisher: 'Folkehelseinstituttet', datatype: 'integer' });
  assert.ok(both > 0 && both < fhi, `datatype=integer narrows ${fhi} to ${both}`);
  assert.equal(await resultCount(page), both);
  assert.deepEqual((await selectedFacets(page)).sort(), ['datatype=integer', 'publisher=Folkehelseinstituttet']);
  await assertChips(page, ['Folkehelseinstituttet', 'integer']);
  await screenshot(page, 'search-two-facets');

  // Clearing the first (its link toggles it) keeps the second.
  await Promise.all([
    page.waitForURL((u) => !u.searchParams.has('publisher')),
    page.locator('aside.facets a.on', { hasText: 'Folkehelseinstituttet' }).click(),
  ]);
  params = new URL(page.url()).searchParams;
  assert.deepEqual(params.getAll('publisher'), []);
  assert.deepEqual(params.getAll('datatype'), ['integer']);
  assert.equal(params.get('q'), 'vekt');
  assert.equal(await resultCount(page), await apiTotal(env, { q: 'vekt', type: 'variable', datatype: 'integer' }));
  assert.deepEqual(await selectedFacets(page), ['datatype=integer']);
  await assertChips(page, ['integer']);
  await screenshot(page, 'search-one-facet-cleared');

  // The back button returns to both.
  await page.goBack();
  params = new URL(page.url()).searchParams;
  assert.deepEqual(params.getAll('publisher'), ['Folkehelseinstituttet']);
  assert.deepEqual(params.getAll('datatype'), ['integer']);
  assert.equal(await resultCount(page), both);
  assert.deepEqual((await selectedFacets(page)).sort(), ['datatype=integer', 'publisher=Folkehelseinstituttet']);

  // "Clear all filters" keeps the query and the tab.
  await Promise.all([
    page.waitForURL((u) => !u.searchParams.has('datatype')),
    page.locator('aside.facets a[href="/search?q=vekt&type=variable"]').click(),
  ]);
  assert.equal(await resultCount(page), all);
  assert.deepEqual(await selectedFacets(page), []);
  assertClean(problems);
});

test('variables and datasets tabs', async () => {
  const { page, problems } = await newPage(env);
  await page.goto(`${env.url}/search?q=msis`);
  assert.equal(await page.locator('nav.tabs a[aria-current="page"]').getAttribute('href'), '/search?q=msis&type=variable');
  assert.ok(await page.locator('.hits a[href^="/variables/"]').count() > 0, 'the variables tab lists variables');

  await Promise.all([page.waitForURL(/type=dataset/), page.locator('nav.tabs a[href*="type=dataset"]').click()]);
  assert.match(await page.locator('nav.tabs a[aria-current="page"]').getAttribute('href'), /type=dataset/);
  assert.equal(await resultCount(page), await apiTotal(env, { q: 'msis', type: 'dataset' }));
  assert.ok(await page.locator('.hits a[href^="/datasets/"]').count() > 0, 'the datasets tab lists datasets');
  assert.equal(await page.locator('.hits h3 a[href^="/variables/"]').count(), 0, 'the datasets tab lists no variables');
  await screenshot(page, 'search-datasets-tab');

  await Promise.all([page.waitForURL(/type=variable/), page.locator('nav.tabs a[href*="type=variable"]').click()]);
  assert.equal(await resultCount(page), await apiTotal(env, { q: 'msis', type: 'variable' }));
  assertClean(problems);
});

test('paging through results', async () => {
  const { page, problems } = await newPage(env);
  await page.goto(`${env.url}/search?q=alder`);
  const total = await apiTotal(env, { q: 'alder', type: 'variable' });
  assert.ok(total > 40, `the fixtures have ${total} variables matching "alder"; the test needs three pages`);
  const pages = Math.ceil(total / 20);
  const pager = page.locator('nav.pager');
  assert.match(await pager.innerText(), new RegExp(`\\b1\\b.*\\b${pages}\\b`));
  assert.equal(await pager.locator('a[rel="prev"]').count(), 0, 'page 1 has no previous page');
  const first = await hitLinks(page);

  await Promise.all([page.waitForURL(/page=2/), pager.locator('a[rel="next"]').click()]);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'alder');
  assert.match(await pager.innerText(), new RegExp(`\\b2\\b.*\\b${pages}\\b`));
  const second = await hitLinks(page);
  assert.equal(second.length, 20);
  assert.deepEqual(second.filter((h) => first.includes(h)), [], 'page 2 repeats none of page 1');
  await screenshot(page, 'search-page-2');

  await Promise.all([page.waitForURL(/page=3/), pager.locator('a[rel="next"]').click()]);
  await Promise.all([page.waitForURL(/page=2/), pager.locator('a[rel="prev"]').click()]);
  assert.deepEqual(await hitLinks(page), second);
  assertClean(problems);
});

// assertChips checks the chips that show the selected filters, each a link
// that removes its filter.
async function assertChips(page, values) {
  const chips = await page.locator('ul.chips a').allInnerTexts();
  assert.equal(chips.length, values.length, `chips ${JSON.stringify(chips)}; want ${values.length}`);
  for (const v of values) {
    assert.ok(chips.some((c) => c.includes(v)), `no chip names ${v}: ${JSON.stringify(chips)}`);
  }
}

test('no results: did you mean, and the filters to drop with their counts', async () => {
  const { page, problems, context } = await newPage(env);
  // A misspelling the index can correct.
  await page.goto(`${env.url}/search?q=${encodeURIComponent('hemoglobn')}`);
  const dym = page.locator('a', { hasText: 'Mente du' });
  await dym.waitFor();
  await screenshot(page, 'search-did-you-mean');
  await Promise.all([page.waitForURL(/q=/), dym.click()]);
  const corrected = new URL(page.url()).searchParams.get('q');
  assert.equal(corrected, 'hemoglobin');
  assert.ok(await resultCount(page) > 0, `the corrected search «${corrected}» finds something`);

  // Two filters that together find nothing: each drop link says what it finds.
  await page.goto(`${env.url}/search?q=vekt&publisher=Folkehelseinstituttet&dataset=${encodeURIComponent('DK:lmdb')}`);
  assert.equal(await resultCount(page), 0);
  const drops = page.locator('ul.drop li');
  assert.equal(await drops.count(), 2, 'one drop link per filtered facet');
  for (let i = 0; i < 2; i++) {
    const text = await drops.nth(i).innerText();
    const want = Number(/:\s*(\d+)\s+treff\s*$/.exec(text)?.[1]);
    const href = await drops.nth(i).locator('a').getAttribute('href');
    const params = Object.fromEntries([...new URL(href, page.url()).searchParams].filter(([k]) => k !== 'type'));
    assert.equal(await apiTotal(env, { ...params, type: 'variable' }), want, `${text}: the count is what the search without that filter finds`);
  }
  await screenshot(page, 'search-drop-filters');
  assertClean(problems);
  await context.close();
});
