// The variable list (basket): three variables from two register holders
// added from the result cards, the shared link opened in a fresh browser,
// the CSV and JSON exports read back, the list without JavaScript, and the
// suggestions as you type.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertAccessible, assertClean, newPage, screenshot, setUp } from './harness.mjs';

const env = setUp({ before, after });

// The three variables: two of FHI's birth registry, one of HUNT (NTNU).
const picks = [
  { q: 'vekt', id: 'MFR:VEKT', holder: 'Folkehelseinstituttet' },
  { q: 'kjønn', id: 'MFR:KJONN', holder: 'Folkehelseinstituttet' },
  { q: 'vekt', id: 'HUNT:0000297', holder: 'Norges teknisk-naturvitenskapelige universitet (NTNU)' },
];

// addFromCard searches for q and presses the basket button of variable id's
// result card.
async function addFromCard(page, q, id) {
  await page.goto(`${env.url}/search?q=${encodeURIComponent(q)}&size=100`);
  const card = page.locator(`li.hit[data-id="${id}"]`);
  await card.locator('form.basket-toggle button').click();
  return card;
}

async function rows(page) {
  return page.locator('table.basket-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
}

test('add three variables from two registers, share the list, export it', async () => {
  const { page, problems, context } = await newPage(env, { acceptDownloads: true });
  let n = 0;
  for (const p of picks) {
    const card = await addFromCard(page, p.q, p.id);
    n++;
    // The script changes the button in place and says so.
    await assert.doesNotReject(card.locator('form.basket-toggle button.in').waitFor());
    assert.equal(await page.locator('#basket-count').innerText(), String(n));
    // Announced to screen readers through the live region.
    await page.waitForFunction((n) => document.getElementById('live').textContent.endsWith(`lagt i variabellisten (${n})`), n);
    assert.equal(await card.locator('form.basket-toggle input[name="op"]').inputValue(), 'remove');
  }
  await screenshot(page, 'basket-card-added');

  await page.goto(`${env.url}/basket`);
  const ids = picks.map((p) => p.id);
  assert.deepEqual((await rows(page)).sort(), [...ids].sort());
  const holders = await page.locator('section.holder h2').allInnerTexts();
  assert.deepEqual(holders.sort(), [...new Set(picks.map((p) => p.holder))].sort(), 'grouped by register holder');
  await screenshot(page, 'basket');
  await assertAccessible(page);

  // The shared link, in a browser that has never seen this list.
  const share = await page.locator('#share-url').inputValue();
  assert.match(share, /\/basket\?v=/);
  const other = await newPage(env);
  await other.page.goto(share);
  assert.deepEqual((await rows(other.page)).sort(), [...ids].sort());
  assert.equal(await other.page.locator('#basket-count').innerText(), '0', "the co-applicant's own list is untouched");
  await screenshot(other.page, 'basket-shared');
  await assertAccessible(other.page);
  // Taking it makes it theirs.
  await Promise.all([other.page.waitForURL(/\/basket$/), other.page.locator('.notice form button').first().click()]);
  assert.equal(await other.page.locator('#basket-count').innerText(), '3');
  assertClean(other.problems);
  await other.context.close();

  // CSV: a header and one row per variable, with its register holder.
  const csv = await download(page, 'csv');
  const lines = csv.trim().split('\n');
  assert.equal(lines[0].split(',')[0], 'register_holder');
  assert.equal(lines.length, 4, csv);
  for (const p of picks) {
    const line = lines.find((l) => l.includes(`,${p.id},`));
    assert.ok(line, `no CSV row for ${p.id}:\n${csv}`);
    assert.ok(line.startsWith(p.holder.includes(',') ? `"${p.holder}"` : p.holder), line);
  }
  // Excel: the byte order mark, semicolons.
  const excel = await download(page, 'excel');
  assert.ok(excel.startsWith('\ufeff') && excel.split('\r\n')[0].includes(';'), 'excel CSV starts with a BOM and uses ;');

  const flat = JSON.parse(await download(page, 'json'));
  assert.deepEqual(flat.variables.map((v) => v.identifier).sort(), [...ids].sort());
  const app = JSON.parse(await download(page, 'application'));
  assert.equal(app.format, 'katalog-variable-list/1');
  assert.equal(app.counts.variables, 3);
  assert.deepEqual(app.register_holders.map((h) => h.name.nb).sort(), [...new Set(picks.map((p) => p.holder))].sort());
  assert.equal(new URL(app.list_url).searchParams.getAll('v').length, 3);

  // Removing from the list page.
  await Promise.all([page.waitForURL(/\/basket$/), page.locator(`tr[data-id="${picks[1].id}"] form.remove button`).click()]);
  assert.deepEqual((await rows(page)).sort(), [picks[0].id, picks[2].id].sort());
  assertClean(problems);
  await context.close();
});

// download clicks the export link of a format and returns the file's text.
async function download(page, format) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(`a[data-export="${format}"]`).click()]);
  return readFileSync(await dl.path(), 'utf8');
}

test('the list without JavaScript: forms that post and come back', async () => {
  const { page, problems, context } = await newPage(env, { javaScriptEnabled: false });
  const target = `${env.url}/search?q=vekt&size=100`;
  await page.goto(target);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/search'),
    page.locator(`li.hit[data-id="${picks[0].id}"] form.basket-toggle button`).click(),
  ]);
  assert.equal(page.url(), target, 'the form returns to the same search');
  assert.equal(await page.locator('#basket-count').innerText(), '1');
  assert.equal(await page.locator(`li.hit[data-id="${picks[0].id}"] form.basket-toggle input[name="op"]`).inputValue(), 'remove');
  await page.goto(`${env.url}/variables/${encodeURIComponent(picks[2].id)}`);
  await Promise.all([page.waitForURL(/\/variables\//), page.locator('form.basket-toggle button').click()]);
  await page.goto(`${env.url}/basket`);
  assert.deepEqual((await rows(page)).sort(), [picks[0].id, picks[2].id].sort());
  await screenshot(page, 'nojs-basket');
  await Promise.all([page.waitForURL(/\/basket$/), page.locator('form.clear button').click()]);
  assert.equal(await page.locator('#basket-count').innerText(), '0');
  assertClean(problems);
  await context.close();
});

test('suggestions as you type, by keyboard', async () => {
  const { page, problems, context } = await newPage(env);
  await page.goto(`${env.url}/`);
  const input = page.locator('#q');
  await input.pressSequentially('fødsels');
  const list = page.locator('#q-suggest');
  await list.waitFor({ state: 'visible' });
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  const options = await list.locator('[role="option"]').allInnerTexts();
  assert.ok(options.length > 0 && options.every((o) => o.toLowerCase().includes('fødsels')), JSON.stringify(options));
  await input.press('ArrowDown');
  const first = list.locator('[role="option"]').first();
  assert.equal(await first.getAttribute('aria-selected'), 'true');
  assert.equal(await input.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
  await screenshot(page, 'suggest');
  await assertAccessible(page);
  await input.press('Escape');
  assert.equal(await input.getAttribute('aria-expanded'), 'false');
  // Enter on a suggestion opens it: its record, or a search for it.
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  await Promise.all([page.waitForURL((u) => u.pathname !== '/'), input.press('Enter')]);
  assert.match(new URL(page.url()).pathname, /^\/(variables|datasets|search)/);
  assertClean(problems);
  await context.close();
});
