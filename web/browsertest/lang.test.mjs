// The user-interface languages: bokmål, nynorsk and English, chosen by
// ?lang= or the links in the header and remembered in a cookie; metadata
// in another language than the page's is marked with a lang attribute.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, newPage, screenshot, setUp } from './harness.mjs';

const env = setUp({ before, after });

// The UI strings the test reads, by language (web/i18n.go).
const ui = {
  nb: { label: 'Søk etter variabler og datasett', button: 'Søk', variables: 'Variabler', titles: 'Titler', sources: 'Kilder' },
  nn: { label: 'Søk etter variablar og datasett', button: 'Søk', variables: 'Variablar', titles: 'Titlar', sources: 'Kjelder' },
  en: { label: 'Search variables and datasets', button: 'Search', variables: 'Variables', titles: 'Titles', sources: 'Sources' },
};

async function assertLang(page, lang) {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `<html lang> on ${page.url()}`);
  assert.equal(await page.locator('form[role="search"] label[for="q"]').innerText(), ui[lang].label);
  assert.equal(await page.locator('form[role="search"] button[type="submit"]').innerText(), ui[lang].button);
  assert.equal(await page.locator('header nav a[href="/sources"]').innerText(), ui[lang].sources);
  assert.equal(await page.locator(`nav.langs a[hreflang="${lang}"]`).getAttribute('aria-current'), 'true');
}

async function langCookie(context) {
  return (await context.cookies()).find((c) => c.name === 'lang')?.value;
}

test('?lang=nn and ?lang=en switch the language, and the choice is remembered', async () => {
  const { context, page, problems } = await newPage(env);
  await page.goto(`${env.url}/search?q=vekt`);
  await assertLang(page, 'nb'); // the browser asks for nb-NO

  await page.goto(`${env.url}/search?q=vekt&lang=nn`);
  await assertLang(page, 'nn');
  assert.equal(await page.locator('nav.tabs a[aria-current="page"]').innerText(), ui.nn.variables);
  assert.equal(await langCookie(context), 'nn');
  await screenshot(page, 'lang-nn-search');
  // The next page, without the parameter, is still in nynorsk.
  await page.goto(`${env.url}/variables/MFR:KJONN`);
  await assertLang(page, 'nn');
  assert.equal(await page.locator('#titles-h').innerText(), ui.nn.titles);

  await page.goto(`${env.url}/variables/MFR:KJONN?lang=en`);
  await assertLang(page, 'en');
  assert.equal(await page.locator('#titles-h').innerText(), ui.en.titles);
  // The title is in English now; there is an English one in the feed.
  assert.match(await page.locator('main h1').innerText(), /Child`s gender/);
  assert.equal(await langCookie(context), 'en');
  await screenshot(page, 'lang-en-variable');
  await page.goto(`${env.url}/sources`);
  await assertLang(page, 'en');
  assert.equal(await page.locator('main h1').innerText(), ui.en.sources);
  assertClean(problems);
});

test('the language links in the header switch the language', async () => {
  const { page, problems } = await newPage(env);
  await page.goto(`${env.url}/search?q=vekt&publisher=Folkehelseinstituttet`);
  await Promise.all([page.waitForURL(/lang=nn/), page.locator('nav.langs a[hreflang="nn"]').click()]);
  await assertLang(page, 'nn');
  // The link keeps the search and its filters.
  const params = new URL(page.url()).searchParams;
  assert.equal(params.get('q'), 'vekt');
  assert.deepEqual(params.getAll('publisher'), ['Folkehelseinstituttet']);

  await Promise.all([page.waitForURL(/lang=en/), page.locator('nav.langs a[hreflang="en"]').click()]);
  await assertLang(page, 'en');
  await Promise.all([page.waitForURL(/lang=nb/), page.locator('nav.langs a[hreflang="nb"]').click()]);
  await assertLang(page, 'nb');
  assertClean(problems);
});

test('metadata in another language than the page is marked with lang', async () => {
  const { page, problems } = await newPage(env);
  // BARN_NR has an English title only; its code list a bokmål one only.
  const barnNr = `${env.url}/variables/${encodeURIComponent('MSIS:2021_05_27_PDB2824_MSIS_Barn:BARN_NR')}`;
  await page.goto(`${barnNr}?lang=nb`);
  assert.equal(await page.locator('main h1 [lang="en"]').innerText(), 'BirthOrder');
  assert.equal(await page.locator('#codes-h + p [lang]').count(), 0, 'a bokmål text on a bokmål page needs no lang');

  await page.goto(`${barnNr}?lang=en`);
  assert.equal(await page.locator('main h1 [lang]').count(), 0, 'an English title on an English page needs no lang');
  assert.match(await page.locator('main h1').innerText(), /BirthOrder/);
  assert.equal(await page.locator('#codes-h + p [lang="nb"]').innerText(), 'Verdier: 1 / 2');

  await page.goto(`${barnNr}?lang=nn`);
  assert.equal(await page.locator('main h1 [lang="en"]').innerText(), 'BirthOrder');
  assert.equal(await page.locator('#codes-h + p [lang="nb"]').innerText(), 'Verdier: 1 / 2', 'bokmål on a nynorsk page is marked');
  await screenshot(page, 'lang-nn-marked');

  // In the search results too.
  await page.goto(`${env.url}/search?q=blodtrykk&lang=nb`);
  const hit = page.locator('.hits > li').first();
  assert.equal(await hit.locator('h3 [lang="en"]').count(), 1, 'an English title in a bokmål result list is marked');
  assertClean(problems);
});
