// A hostile feed (testdata/xss.ttl): titles, descriptions, names and codes
// with <script> and "><img onerror> must show as text on every page. The
// pages are opened twice: as served, where the Content-Security-Policy must
// report nothing blocked, and with the CSP bypassed, so that the escaping
// alone must keep any script from running (no dialog).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, newPage, screenshot, setUp } from './harness.mjs';

const env = setUp({ before, after });

const script = '<script>alert(1)</script>';
const img = '"><img src=x onerror=alert(1)>';

// assertInert checks that no script ran (no dialog; with the CSP on, no
// inline script blocked either) and that nothing of the feed became markup:
// no image from it, no inline script or event handler attribute anywhere.
async function assertInert(page, problems) {
  assertClean(problems);
  const found = await page.evaluate(() => ({
    images: [...document.querySelectorAll('img')].map((i) => i.outerHTML),
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).map((s) => s.outerHTML),
    handlers: [...document.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName} ${a.name}`)),
    bold: document.querySelectorAll('main b, main i').length,
  }));
  assert.deepEqual(found, { images: [], scripts: [], handlers: [], bold: 0 }, `feed markup became HTML on ${page.url()}`);
}

for (const bypassCSP of [false, true]) {
  const how = bypassCSP ? 'with the CSP bypassed' : 'as served';
  const shot = bypassCSP ? '-nocsp' : '';

  test(`a hostile feed renders as text on every page (${how})`, async () => {
    const { page, problems } = await newPage(env, { bypassCSP });
    await page.goto(`${env.url}/search?q=xsstest`);
    await assertInert(page, problems);
    const hits = page.locator('.hits > li');
    assert.equal(await hits.count(), 2, 'both variables of the xss feed are found');
    const text = await page.locator('main').textContent();
    assert.ok(text.includes(img), 'the results show the img title as text');
    assert.ok(text.includes(script), 'the results show the script title as text');
    // The publisher's name as a facet value.
    assert.ok((await page.locator('aside.facets').textContent()).includes('<i>utgiver</i>'));
    await assertInert(page, problems);
    await screenshot(page, `xss-search${shot}`);

    // The datasets tab, and the dataset's page from it.
    await page.goto(`${env.url}/search?q=xsstest&type=dataset`);
    await assertInert(page, problems);
    await Promise.all([page.waitForURL(/\/datasets\//), page.locator('.hits a[href="/datasets/XSSTEST:ds"]').first().click()]);
    await assertInert(page, problems);
    assert.equal(await page.locator('main h1').textContent(), script);
    assert.ok((await page.title()).startsWith(script), `the <title> is ${JSON.stringify(await page.title())}`);
    assert.ok((await page.locator('main .lead').textContent()).includes(img));
    await assertInert(page, problems);
    await screenshot(page, `xss-dataset${shot}`);

    // Both variables, from the dataset's table.
    for (const [name, title] of [['XSS_IMG', `Xsstest ${img}`], ['XSS_SCRIPT', `Xsstest ${script}`]]) {
      await page.goto(`${env.url}/datasets/XSSTEST:ds`);
      await Promise.all([page.waitForURL(new RegExp(`/variables/XSSTEST:${name}$`)), page.locator(`table.vars a[href="/variables/XSSTEST:${name}"]`).click()]);
      await assertInert(page, problems);
      const h1 = await page.locator('main h1').textContent();
      assert.ok(h1.includes(title), `the h1 ${JSON.stringify(h1)} shows ${JSON.stringify(title)}`);
      assert.ok((await page.locator('.crumbs').textContent()).includes(script), 'the crumbs show the dataset title as text');
      await assertInert(page, problems);
      if (name === 'XSS_IMG') {
        const labels = await page.locator('table.codes tbody td').allTextContents();
        assert.ok(labels.includes(img) && labels.includes(script) && labels.includes('<b>1</b>'), `code list cells ${JSON.stringify(labels)}`);
        await screenshot(page, `xss-variable${shot}`);
      }
    }

    // The source's page, and the same in English (the texts are marked lang="nb").
    await page.goto(`${env.url}/sources/xss`);
    await assertInert(page, problems);
    await page.goto(`${env.url}/datasets/XSSTEST:ds?lang=en`);
    await assertInert(page, problems);
    assert.equal(await page.locator('main h1 [lang="nb"]').textContent(), script);
    assertClean(problems);
  });
}
