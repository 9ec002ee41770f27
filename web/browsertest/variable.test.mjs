// A variable from the search results, its code list, and its dataset.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, newPage, screenshot, setUp } from './harness.mjs';

const env = setUp({ before, after });

test('open a variable from the results, then its dataset', async () => {
  const { page, problems } = await newPage(env);
  await page.goto(`${env.url}/search?q=kjønn&has_code_list=true`);
  await Promise.all([page.waitForURL(/\/variables\/MFR:KJONN$/), page.locator('.hits a[href="/variables/MFR:KJONN"]').first().click()]);

  // Name, title, and the code list as a table.
  const h1 = page.locator('main h1');
  assert.equal(await h1.locator('code').innerText(), 'KJONN');
  assert.match(await h1.innerText(), /Barnets kjønn/);
  assert.match(await page.title(), /KJONN/);
  const table = page.locator('table.codes');
  assert.deepEqual(await table.locator('thead th').allInnerTexts(), ['Kode', 'Etikett']);
  const labels = await table.locator('tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(labels, ['Kvinne', 'Mann', 'Ikke spesifisert', 'Usikkert kjønn']);
  // Every other title of the variable, each marked with its language.
  assert.equal(await page.locator('ul.titles [lang="en"]').innerText(), 'Child`s gender');
  await screenshot(page, 'variable');

  // The dataset, by its link in the facts.
  await Promise.all([page.waitForURL(/\/datasets\/MFR$/), page.locator('dl.facts a[href="/datasets/MFR"]').click()]);
  assert.equal(await page.locator('main h1').innerText(), 'Medisinsk fødselsregister (MFR)');
  const vars = page.locator('table.vars');
  assert.match(await page.locator('#vars-h').innerText(), /\(183\)/);
  assert.equal(await vars.locator('tbody tr').count(), 100, 'the first page of the dataset lists 100 variables');
  assert.equal(await vars.locator('a[href="/variables/MFR:KJONN"]').count(), 1, 'the dataset lists KJONN');
  await screenshot(page, 'dataset');

  // The dataset's second page of variables.
  await Promise.all([page.waitForURL(/page=2/), page.locator('nav.pager a[rel="next"]').click()]);
  assert.equal(await vars.locator('tbody tr').count(), 83);
  assert.equal(await vars.locator('a[href="/variables/MFR:KJONN"]').count(), 0);

  // Back to the variable from the dataset's table.
  await page.goBack();
  await Promise.all([page.waitForURL(/\/variables\/MFR:KJONN$/), vars.locator('a[href="/variables/MFR:KJONN"]').click()]);
  assert.equal(await page.locator('main h1 code').innerText(), 'KJONN');
  assertClean(problems);
});

test('a code list with codes', async () => {
  const { page, problems } = await newPage(env);
  await page.goto(`${env.url}/variables/${encodeURIComponent('MSIS:2021_05_27_PDB2824_MSIS_Barn:SmittetIUtlandet')}`);
  const rows = page.locator('table.codes tbody tr');
  const codes = await rows.locator('td:nth-child(1)').allInnerTexts();
  assert.deepEqual(codes.sort(), ['Norge', 'Ukjent', 'Utlandet']);
  assert.equal(await page.locator('table.codes tbody td:nth-child(1) code').count(), 3);
  await screenshot(page, 'variable-codes');
  assertClean(problems);
});
