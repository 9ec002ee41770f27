#!/usr/bin/env node
// baseline.mjs summarises the reports under catalog/validate/testdata/conformance/out/<set>/<fixture>.json
// (written by `make conformance-shacl`) as Markdown on stdout: what the
// official shapes report on the fixtures, aggregated by (severity, constraint
// component, path). `make conformance-baseline` writes it to baseline.md.
//
//   node catalog/validate/testdata/conformance/baseline.mjs catalog/validate/testdata/conformance/out > catalog/validate/testdata/conformance/baseline.md

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const PREFIXES = [
  ['dcat:', 'http://www.w3.org/ns/dcat#'],
  ['dct:', 'http://purl.org/dc/terms/'],
  ['dcatap:', 'http://data.europa.eu/r5r/'],
  ['healthdcatap:', 'http://healthdataportal.eu/ns/health#'],
  ['foaf:', 'http://xmlns.com/foaf/0.1/'],
  ['vcard:', 'http://www.w3.org/2006/vcard/ns#'],
  ['skos:', 'http://www.w3.org/2004/02/skos/core#'],
  ['csvw:', 'http://www.w3.org/ns/csvw#'],
  ['adms:', 'http://www.w3.org/ns/adms#'],
  ['dpv:', 'https://w3id.org/dpv#'],
  ['dqv:', 'http://www.w3.org/ns/dqv#'],
  ['geodcatap:', 'http://data.europa.eu/930/'],
  ['cv:', 'http://data.europa.eu/m8g/'],
  ['prov:', 'http://www.w3.org/ns/prov#'],
  ['spdx:', 'http://spdx.org/rdf/terms#'],
  ['odrl:', 'http://www.w3.org/ns/odrl/2/'],
  ['locn:', 'http://www.w3.org/ns/locn#'],
  ['rdfs:', 'http://www.w3.org/2000/01/rdf-schema#'],
];

// READING explains the artefacts a reader of the tables must know about
// (details: catalog/validate/testdata/conformance/README.md, "Deviations").
const READING = [
  '* `@Shape` is the named shape a result comes from (`shapeOwner`). Groups marked `†` are results whose value is an',
  '  EU/HDEU vocabulary IRI whose NAL is only stubbed: mostly DCAT-AP `range.ttl` `sh:class` checks (`dcat:theme` →',
  '  `skos:Concept`, `dct:accessRights` → `dct:RightsStatement`, `dct:language` → `dct:LinguisticSystem`) that only the',
  '  real NAL RDF (which types its concepts) could satisfy. Do not expect the Go validator to reproduce them.',
  '* The three HealthDCAT-AP sets are run on every document regardless of each dataset\'s `dct:accessRights`; the',
  '  hosted validator picks the tier per dataset. `HasValue dct:accessRights @Dataset_Shape` therefore counts datasets',
  '  of another tier. Compare per dataset with the set of its own tier.',
  '* Health sets include the DCAT-AP 3 shapes they import, so their counts contain the `dcat-ap-3` findings (minus',
  '  `deprecateduris.ttl`, which the Health sets do not load). They also merge files that constrain the same property',
  '  twice, so one defect can give two results from different shapes: `sh:nodeKind sh:IRI` on `dct:format`,',
  '  `dct:accrualPeriodicity`, `adms:status` (DCAT-AP `range.ttl` and Health `mdr-vocabularies.shape.ttl`), the',
  '  `dcat:keyword` / `dcat:contactPoint` / `dct:temporal` warnings (DCAT-AP and HealthDCAT-AP recommended files),',
  '  `dct:publisher` (`HealthPublisherAgent_Shape` and `HealthPublisherAgent_ShapeCV`). When comparing, deduplicate on',
  '  (focus node, path, constraint, severity, value).',
  '* `V Node csvw:column @CSVWTable_Shape` repeats, per table and column, the `CSVWColumnShape` results of its columns',
  '  (missing `dct:description` / `csvw:title`): one missing column description is counted twice.',
  '* DCAT-AP-NO `V Node dct:format @Distribution_ShapeCV` is doubled too (the shape has the file-type check twice).',
  '* The fdk-2017 harvests are DCAT-AP-NO 1.1 (2017): literal formats, `vcard:Kind`-less contact points and media',
  '  types as `dct:format` are expected failures; the Katalog feeds (`feeds/*.ttl`) are the ones that should be clean.',
  '* The upstream examples (`shacl/*/examples/`) are partial snippets: they are here as positive controls for the',
  '  harness (the DCAT-AP-NO examples pass `dcat-ap-no` with no result), not as conformant catalogues.',
];

const SET_ORDER = ['dcat-ap-no', 'dcat-ap-3', 'healthdcat-ap-public', 'healthdcat-ap-restricted', 'healthdcat-ap-non-public'];
const SEV = { Violation: 'V', Warning: 'W', Info: 'I' };

function curieOne(iri) {
  for (const [p, ns] of PREFIXES) {
    if (iri.startsWith(ns) && /^[\w.-]+$/.test(iri.slice(ns.length))) return p + iri.slice(ns.length);
  }
  return `<${iri}>`;
}

// curie shortens a path as printed by shacl.mjs: a bare IRI, or a SPARQL
// property path with <iri> terms.
function curie(pathString) {
  if (!pathString) return '(node)';
  if (!pathString.includes('<')) return curieOne(pathString);
  return pathString.replace(/<([^>]+)>/g, (m, iri) => curieOne(iri));
}

// ownerName names the shape a result comes from: the shape itself when it is
// named, else the named shape that holds it (shapeOwner), by local name.
function ownerName(r) {
  const iri = r.shape && !r.shape.startsWith('_:') ? r.shape : r.shapeOwner;
  return iri ? iri.replace(/^.*[#/]/, '') : '?';
}

const groupKey = (r) => `${SEV[r.severity] || r.severity} ${r.constraint.replace(/^sh:|ConstraintComponent$/g, '')} ` +
  `${curie(r.path)} @${ownerName(r)}${r.stubbedVocabulary ? ' †' : ''}`;

function load(outDir) {
  const reports = new Map(); // set -> fixture -> doc
  for (const set of readdirSync(outDir)) {
    const dir = path.join(outDir, set);
    if (!statSync(dir).isDirectory()) continue;
    const m = new Map();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      m.set(f.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    }
    reports.set(set, m);
  }
  return reports;
}

function groups(results) {
  const c = new Map();
  for (const r of results) c.set(groupKey(r), (c.get(groupKey(r)) || 0) + 1);
  return [...c].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function main(outDir) {
  const reports = load(outDir);
  const sets = [...reports.keys()].sort((a, b) => (SET_ORDER.indexOf(a) + 1 || 99) - (SET_ORDER.indexOf(b) + 1 || 99));
  const fixtures = [...new Set(sets.flatMap((s) => [...reports.get(s).keys()]))];
  const fixtureFile = new Map();
  for (const s of sets) for (const [f, d] of reports.get(s)) fixtureFile.set(f, d.files.join(' '));
  fixtures.sort((a, b) => (fixtureFile.get(a) < fixtureFile.get(b) ? -1 : 1));
  const out = [];
  const w = (s = '') => out.push(s);

  w('# SHACL baseline: what the official shapes report on the fixtures');
  w();
  w('Generated by `make conformance-baseline` (catalog/validate/testdata/conformance/baseline.mjs) from `catalog/validate/testdata/conformance/out/<set>/<fixture>.json`,');
  w('the reports of `catalog/validate/testdata/conformance/shacl.mjs` (rdf-validate-shacl 0.6.5). Do not edit by hand; the notes at the end are');
  w('kept in baseline.mjs. Shape sets and deviations: catalog/validate/testdata/conformance/README.md.');
  w();
  w('Abbreviations: V = sh:Violation, W = sh:Warning; constraint components without `sh:` and `ConstraintComponent`');
  w('(`MinCount` = sh:MinCountConstraintComponent); `(node)` = a node-level constraint with no path.');
  w('Results on IRIs that only stubbed NAL data explains (`stubbedVocabulary` in the JSON) are counted like the others.');
  w();

  w('## 1. Results per fixture and shape set');
  w();
  w('Cells: violations / warnings. Times: validation seconds (parse excluded) from `--timing`, on the 2-core workplace machine; they vary with load (`make -j2` runs two at a time).');
  w();
  w(`| fixture | triples | ${sets.join(' | ')} |`);
  w(`|---|---:|${sets.map(() => '---:').join('|')}|`);
  for (const f of fixtures) {
    const cells = sets.map((s) => {
      const d = reports.get(s).get(f);
      if (!d) return '–';
      const t = d.timing ? ` (${d.timing.validateSeconds.toFixed(1)} s)` : '';
      return `${d.summary.Violation} / ${d.summary.Warning}${t}`;
    });
    const any = sets.map((s) => reports.get(s).get(f)).find(Boolean);
    w(`| ${fixtureFile.get(f).replace(/^fixtures\//, '')} | ${any.triples.data} | ${cells.join(' | ')} |`);
  }
  w();

  // Run times on the largest fixture, per set.
  const largest = fixtures.reduce((a, f) => {
    const t = (x) => sets.map((s) => reports.get(s).get(x)).find(Boolean).triples.data;
    return t(f) > t(a) ? f : a;
  }, fixtures[0]);
  w(`Run times on the largest fixture, ${fixtureFile.get(largest).replace(/^fixtures\//, '')} (seconds, run alone; RSS at the end of the run):`);
  w();
  w('| set | load shapes | parse | validate | RSS MB |');
  w('|---|---:|---:|---:|---:|');
  for (const s of sets) {
    const t = reports.get(s).get(largest)?.timing;
    if (t) w(`| ${s} | ${t.shapesSeconds.toFixed(1)} | ${t.parseSeconds.toFixed(1)} | ${t.validateSeconds.toFixed(1)} | ${t.rssMB} |`);
  }
  w();

  w('## 2. Top findings per shape set, over all fixtures');
  w();
  w('Count of results, and in how many fixtures (of ' + fixtures.length + ') the group occurs. Top 25 per set.');
  for (const s of sets) {
    const byGroup = new Map();
    let total = 0;
    for (const [, d] of reports.get(s)) {
      for (const [k, n] of groups(d.results)) {
        const g = byGroup.get(k) || { n: 0, fixtures: 0 };
        g.n += n; g.fixtures += 1; total += n;
        byGroup.set(k, g);
      }
    }
    const top = [...byGroup].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1));
    w();
    w(`### ${s}`);
    w();
    w(`${total} results in ${byGroup.size} groups.`);
    w();
    w('| results | fixtures | severity, constraint, path |');
    w('|---:|---:|---|');
    for (const [k, g] of top.slice(0, 25)) w(`| ${g.n} | ${g.fixtures} | \`${k}\` |`);
    if (top.length > 25) w(`| … | | ${top.length - 25} more groups |`);
  }
  w();

  w('## 3. Per fixture: the five largest groups per shape set');
  w();
  for (const f of fixtures) {
    w(`**${fixtureFile.get(f).replace(/^fixtures\//, '')}**`);
    w();
    for (const s of sets) {
      const d = reports.get(s).get(f);
      if (!d) continue;
      const g = groups(d.results);
      const head = `${d.summary.Violation} V / ${d.summary.Warning} W`;
      const body = g.slice(0, 5).map(([k, n]) => `\`${k}\` ×${n}`).join('; ');
      w(`- ${s}: ${head}${body ? ' — ' + body : ''}${g.length > 5 ? `; … (${g.length - 5} more groups)` : ''}`);
    }
    w();
  }
  w('## 4. Reading these numbers');
  w();
  for (const line of READING) w(line);
  process.stdout.write(out.join('\n') + '\n');
}

if (process.argv.length !== 3) {
  process.stderr.write('usage: node baseline.mjs OUTDIR\n');
  process.exit(2);
}
main(process.argv[2]);
