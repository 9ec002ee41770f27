// axe-core on every kind of page: no violation of serious or critical
// impact. To check another page, add a line to `pages`.

import { after, before, test } from 'node:test';
import { assertAccessible, assertClean, newPage, screenshot, setUp } from './harness.mjs';

const env = setUp({ before, after });

// name: the test's and the screenshot's name (axe-<name>.png); path: the
// page to open (the browser asks for nb-NO; add lang= for another UI
// language); prepare (optional): async (page) => …, run on the page before
// axe, e.g. to add variables to the basket.
const pages = [
  { name: 'home', path: '/' },
  { name: 'search', path: '/search?q=vekt&publisher=Folkehelseinstituttet' },
  { name: 'search-datasets-en', path: '/search?q=msis&type=dataset&lang=en' },
  { name: 'search-none', path: '/search?q=ingentingfinnesher' },
  { name: 'variable', path: '/variables/MFR:KJONN' },
  { name: 'variable-codes-nn', path: `/variables/${encodeURIComponent('MSIS:2021_05_27_PDB2824_MSIS_Barn:SmittetIUtlandet')}?lang=nn` },
  { name: 'dataset', path: '/datasets/MFR' },
  { name: 'sources', path: '/sources' },
  { name: 'source', path: '/sources/fhi-mfr' },
  { name: 'not-found', path: '/variables/NO:SUCH' },
  { name: 'basket-empty', path: '/basket' },
  {
    name: 'basket', path: '/basket',
    prepare: async (page) => {
      // Through the page's own context, so the list is in its cookies.
      const res = await page.request.post(new URL('/basket', page.url()).href, { form: { op: 'add', id: 'MFR:VEKT' }, headers: { Accept: 'application/json' } });
      if (!res.ok()) throw new Error(`POST /basket: ${res.status()} ${await res.text()}`);
      await page.request.post(new URL('/basket', page.url()).href, { form: { op: 'add', id: 'HUNT:0000297' }, headers: { Accept: 'application/json' } });
      await page.reload();
    },
  },
  { name: 'basket-shared-en', path: '/basket?v=MFR:KJONN&v=HUNT:0000297&v=GONE:1&lang=en' },
];

for (const p of pages) {
  test(`axe: ${p.name} (${p.path})`, async () => {
    const { page, problems } = await newPage(env);
    await page.goto(`${env.url}${p.path}`);
    if (p.prepare) await p.prepare(page);
    await screenshot(page, `axe-${p.name}`);
    await assertAccessible(page);
    assertClean(problems);
  });
}
