#!/usr/bin/env node
// export.mjs checks that Katalog's DCAT output in several syntaxes is the same
// graph, read with parsers independent of Katalog's own: n3 (Turtle,
// N-Triples), rdfxml-streaming-parser (RDF/XML) and jsonld (JSON-LD, with a
// document loader that refuses to fetch anything).
//
//   node export.mjs FILE.ttl FILE.nt FILE.rdf FILE.jsonld
//
// Triples without blank nodes must be equal as sets; triples with blank
// nodes must be as many in each file (their labels differ per syntax). Exit
// status 0 when all files hold the same graph, 1 when not or when a file
// does not parse, 2 on bad usage.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import N3 from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import jsonld from 'jsonld';

const formats = { '.ttl': 'turtle', '.nt': 'ntriples', '.rdf': 'rdfxml', '.jsonld': 'jsonld' };

async function parse(file) {
  const text = readFileSync(file, 'utf8');
  const format = formats[path.extname(file)];
  switch (format) {
    case 'turtle':
    case 'ntriples':
      return new N3.Parser({ format: format === 'turtle' ? 'text/turtle' : 'application/n-triples' }).parse(text);
    case 'rdfxml':
      return await new Promise((resolve, reject) => {
        const out = [];
        const parser = new RdfXmlParser();
        parser.on('data', (q) => out.push(q));
        parser.on('error', reject);
        parser.on('end', () => resolve(out));
        parser.write(text);
        parser.end();
      });
    case 'jsonld':
      return await jsonld.toRDF(JSON.parse(text), {
        documentLoader: async (url) => { throw new Error(`refusing to load ${url}`); },
      });
  }
  throw new Error(`${file}: unknown extension (want .ttl, .nt, .rdf or .jsonld)`);
}

function nt(t) {
  switch (t.termType) {
    case 'NamedNode': return `<${t.value}>`;
    case 'BlankNode': return '_:b';
    case 'Literal':
      return JSON.stringify(t.value) + (t.language ? '@' + t.language.toLowerCase() : `^^<${t.datatype.value}>`);
  }
  throw new Error(`unexpected ${t.termType}`);
}

const files = process.argv.slice(2);
if (files.length < 2) {
  console.error('usage: node export.mjs FILE FILE...');
  process.exit(2);
}
let first = null;
let ok = true;
for (const file of files) {
  let quads;
  try {
    quads = await parse(file);
  } catch (e) {
    console.error(`export.mjs: ${file}: does not parse: ${e.message}`);
    process.exit(1);
  }
  const ground = new Set();
  let blank = 0;
  for (const q of quads) {
    if (q.subject.termType === 'BlankNode' || q.object.termType === 'BlankNode') {
      blank++;
    } else {
      ground.add(`${nt(q.subject)} ${nt(q.predicate)} ${nt(q.object)}`);
    }
  }
  console.error(`export.mjs: ${file}: ${quads.length} triples (${ground.size} ground, ${blank} with blank nodes)`);
  if (first === null) {
    first = { file, ground, blank };
    continue;
  }
  if (blank !== first.blank) {
    console.error(`export.mjs: ${file} has ${blank} triples with blank nodes, ${first.file} ${first.blank}`);
    ok = false;
  }
  let shown = 0;
  for (const t of ground) {
    if (!first.ground.has(t)) {
      ok = false;
      if (shown++ < 5) console.error(`export.mjs: only in ${file}: ${t}`);
    }
  }
  for (const t of first.ground) {
    if (!ground.has(t)) {
      ok = false;
      if (shown++ < 10) console.error(`export.mjs: only in ${first.file}: ${t}`);
    }
  }
}
console.error(ok ? 'export.mjs: every file holds the same graph' : 'export.mjs: the files differ');
process.exit(ok ? 0 : 1);
