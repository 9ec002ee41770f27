#!/usr/bin/env node
// shacl.mjs validates RDF documents with the official SHACL shapes copied to
// fixtures/shacl/ (DCAT-AP-NO 2.00, DCAT-AP 3.0.1, HealthDCAT-AP Release 8) and
// prints one JSON report on stdout. It is the reference ("oracle") side of
// `make conformance`: Katalog's Go validator is compared against its findings.
//
//   node catalog/validate/testdata/conformance/shacl.mjs --shapes SET [--format turtle|ntriples|rdfxml|jsonld]
//        [--base IRI] [--no-nal-stubs] [--timing] [--quiet] FILE...
//
// --format overrides the format told by each FILE's extension (.ttl .nt .rdf
// .xml .owl .jsonld .json); --base sets the base IRI for relative IRIs (default:
// the file's file: URL); --timing adds a "timing" object to the report;
// --quiet drops the one-line summary on stderr. FILE "-" is standard input.
//
// Several FILEs are merged into one data graph. Findings are data: the exit
// status is 0 whether or not the data conforms; it is 1 when a step could not
// run (unknown set, unreadable or unparsable file) and 2 on bad usage.
// Nothing is fetched from the network: owl:imports are resolved to local files
// or npm packages (or reported as missing), and JSON-LD remote contexts are
// refused. README.md in this folder explains the shape sets and every
// deviation from the upstream validators.

import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import rdf from '@zazuko/env';
import SHACLValidator from 'rdf-validate-shacl';
import N3 from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import jsonld from 'jsonld';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHACL_DIR = path.resolve(here, '..', '..', '..', '..', 'fixtures', 'shacl');
const require = createRequire(import.meta.url);

const SH = 'http://www.w3.org/ns/shacl#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const RDF_FIRST = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#first';
const RDF_REST = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#rest';
const RDF_NIL = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#nil';
const RDFS_SUBCLASSOF = 'http://www.w3.org/2000/01/rdf-schema#subClassOf';
const OWL_IMPORTS = 'http://www.w3.org/2002/07/owl#imports';
const SKOS_INSCHEME = 'http://www.w3.org/2004/02/skos/core#inScheme';
const SKOS_CONCEPTSCHEME = 'http://www.w3.org/2004/02/skos/core#ConceptScheme';
const DCAT_DATASET = 'http://www.w3.org/ns/dcat#Dataset';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_LANGSTRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';

// ---------------------------------------------------------------------------
// owl:imports resolution. Every import IRI named by a loaded file (or, for
// HealthDCAT-AP, by config.properties' owlImportMapping) is looked up here.

// Shape files that other shape files import. The HealthDCAT-AP Release 8 files
// import the DCAT-AP *3.0.0* html/shacl files; only the 3.0.1 ones are stored
// locally. They keep the 3.0.0 shape IRIs (`@prefix :` is the 3.0.0 URL), so
// the HealthDCAT-AP additions merge into them exactly as upstream intends.
const SHAPE_IMPORTS = new Map([
  ['https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/shapes.ttl', 'dcat-ap-3/html-shacl/shapes.ttl'],
  ['https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/range.ttl', 'dcat-ap-3/html-shacl/range.ttl'],
  ['https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/shapes_recommended.ttl', 'dcat-ap-3/html-shacl/shapes_recommended.ttl'],
  ['https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/mdr-vocabularies.shape.ttl', 'dcat-ap-3/html-shacl/mdr-vocabularies.shape.ttl'],
]);

// Ontologies ("background knowledge") that the shape sets import. Only their
// rdfs:subClassOf axioms between named classes are loaded into the data graph:
// that is all a SHACL engine uses them for (sh:class and sh:targetClass follow
// rdfs:subClassOf* in the data graph), and loading nothing else keeps
// ontology terms from becoming focus nodes. Taken from the npm @vocabulary/*
// packages (W3C vocabularies as published; pinned in package-lock.json).
const ONTOLOGY_IMPORTS = new Map([
  ['http://www.w3.org/2006/vcard/ns', '@vocabulary/vcard'],
  ['http://www.w3.org/2006/vcard/ns.ttl', '@vocabulary/vcard'],
  ['http://xmlns.com/foaf/spec/index.rdf', '@vocabulary/foaf'],
  ['https://www.w3.org/ns/org', '@vocabulary/org'],
  ['http://dublincore.org/2020/01/20/dublin_core_terms.ttl', '@vocabulary/dcterms'],
  ['http://www.w3.org/ns/prov-o.ttl', '@vocabulary/prov'],
  ['http://www.w3.org/2006/time.ttl', '@vocabulary/time'],
  ['http://www.w3.org/ns/dqv.ttl', '@vocabulary/dqv'],
  ['http://www.w3.org/ns/csvw.ttl', '@vocabulary/csvw'],
]);

// Imports that are deliberately not loaded although something close is at hand.
const SKIPPED_IMPORTS = new Map([
  ['https://www.w3.org/ns/dcat2.ttl',
    'not loaded: npm @vocabulary/dcat is DCAT 3, not dcat2.ttl, and its "dcat:Catalog rdfs:subClassOf dcat:Dataset" ' +
    'would make every catalogue a focus node of the Dataset shapes'],
  ['https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/mdr-vocabularies.shape.ttl',
    'not loaded: HealthDCAT-AP ships its own mdr-vocabularies.shape.ttl with the same shape IRIs, which replaces it'],
]);

// ---------------------------------------------------------------------------
// Shape sets. A set is a list of shape files, a list of background files
// (loaded into the data graph, as the EC ITB validator merges its imports into
// the data before validating) and a list of import IRIs to resolve as if a
// loaded file imported them.

// The DCAT-AP-NO 2.00 shapes, ontologies.ttl and dcatno.ttl declare
// `@prefix dcatap: <http://data.europa.eu/r5r>` without the trailing slash, so
// `dcatap:availability` becomes `http://data.europa.eu/r5ravailability`
// (shared/spec/README.md §1, "Known prefix bug"). The copies in fixtures/shacl
// stay byte-for-byte; the prefix is patched here, in memory, at load time
// (see patchDcatapPrefix). The same patch is applied to HealthDCAT-AP's
// range.ttl and mdr-vocabularies.shape.ttl, which a third-party port reports
// as affected; the Release 8 copies here already have the slash, so for them
// the patch is a no-op (the report's notes say so).
const SETS = {
  'dcat-ap-no': () => ({
    description: 'DCAT-AP-NO 2.00 (Digdir): DCAT-AP-NO-shacl_shapes_2.00.ttl, with ontologies.ttl as background',
    shapes: [{ file: 'dcat-ap-no/DCAT-AP-NO-shacl_shapes_2.00.ttl', patchDcatapPrefix: true }],
    background: [{ file: 'dcat-ap-no/ontologies.ttl', patchDcatapPrefix: true }],
    imports: [],
    notes: [],
  }),
  // SEMIC's ITB validator type "DCAT-AP 3.0.1 Full (with background knowledge)"
  // (ISAITB/validator-resources-dcat-ap config.properties, v3.0.1.Full) loads
  // html/shacl/shapes.ttl, range.ttl, shapes_recommended.ttl, imports.ttl and
  // deprecateduris.ttl with owl:imports on; we do the same. Not loaded:
  // mdr-vocabularies.shape.ttl + mdr_imports.ttl (ITB's separate "Controlled
  // Vocabularies" type; it needs the EU NAL RDF, which is not stored here) and
  // shacl/dcat-ap-SHACL.ttl + shacl/ranges.ttl (ITB's "Full1", the same
  // constraints generated per property without severities: loading both forms
  // would report every finding twice).
  'dcat-ap-3': () => ({
    description: 'DCAT-AP 3.0.1 (SEMIC) as the ITB validator type "3.0.1 Full": html/shacl shapes + range + shapes_recommended + deprecateduris, imports.ttl as background',
    shapes: [
      { file: 'dcat-ap-3/html-shacl/shapes.ttl' },
      { file: 'dcat-ap-3/html-shacl/range.ttl' },
      { file: 'dcat-ap-3/html-shacl/shapes_recommended.ttl' },
      { file: 'dcat-ap-3/html-shacl/deprecateduris.ttl' },
    ],
    background: [{ file: 'dcat-ap-3/html-shacl/imports.ttl' }],
    imports: [],
    notes: [],
  }),
  'healthdcat-ap-public': () => healthSet('public'),
  'healthdcat-ap-restricted': () => healthSet('restricted'),
  'healthdcat-ap-non-public': () => healthSet('non-public'),
};

// healthSet builds a HealthDCAT-AP set from config.properties, the EC
// HealthData@EU validator's own configuration: validator.shaclFile.<tier>
// names the shape files, validator.owlImportMapping.N names the imports it
// can resolve (ontologies and the catalogue/ vocabularies). Shape files are
// stored flat in healthdcat-ap/shacl/; vocabularies in healthdcat-ap/vocabularies/.
function healthSet(tier) {
  const props = parseProperties(readFileSync(path.join(SHACL_DIR, 'healthdcat-ap/config.properties'), 'utf8'));
  const listed = (props.get(`validator.shaclFile.${tier}`) || '').split(',').map((s) => s.trim()).filter(Boolean);
  if (listed.length === 0) throw new Error(`config.properties has no validator.shaclFile.${tier}`);
  const set = {
    description: `HealthDCAT-AP Release 8, ${tier.toUpperCase().replace('-', '_')} tier, as config.properties validator.shaclFile.${tier} lists it`,
    shapes: [], background: [], imports: [], notes: [],
  };
  for (const entry of listed) {
    const [dir, name] = entry.split('/');
    if (['shapes', 'ranges', 'controlled-vocabularies', 'recommended'].includes(dir)) {
      const spec = { file: `healthdcat-ap/shacl/${name}` };
      if (name === 'range.ttl' || name === 'mdr-vocabularies.shape.ttl') spec.patchDcatapPrefix = true;
      // graph-guard.ttl names its shape with a relative IRI (<#DatasetPresenceGuard>);
      // resolve it against the file's upstream location so the shape IRI is stable.
      if (name === 'graph-guard.ttl') spec.base = HEALTH_UPSTREAM + entry;
      set.shapes.push(spec);
    } else {
      set.notes.push(`missing: ${entry} (listed in config.properties; not stored in shared/spec)` +
        (dir === 'imports' ? '. Its owl:imports are taken from config.properties owlImportMapping instead.' : ''));
    }
  }
  // owlImportMapping: HealthDCAT-AP's imports/*.ttl (not stored) would import
  // these. Ontologies and vocabularies are resolved as background; the DCAT-AP
  // shape files among them are loaded only where a stored file imports them.
  for (const [key, uri] of props) {
    const m = key.match(/^validator\.owlImportMapping\.(\d+)\.uri$/);
    if (!m) continue;
    if (SHAPE_IMPORTS.has(uri) || SKIPPED_IMPORTS.has(uri)) continue;
    const file = props.get(`validator.owlImportMapping.${m[1]}.file`) || '';
    const local = `healthdcat-ap/vocabularies/${path.basename(file)}`;
    if (file.startsWith('catalogue/') && existsSync(path.join(SHACL_DIR, local))) {
      set.background.push({ file: local, importedAs: uri });
    } else {
      set.imports.push(uri);
    }
  }
  set.notes.push('not supported by rdf-validate-shacl: sh:extends (HealthAgent_Shape, HealthPublisherAgent_Shape ' +
    'extend Agent_Shape): it is not SHACL 1.0 Core and is ignored, so foaf:name is not required of hdab/publisher through it');
  return set;
}

const HEALTH_UPSTREAM = 'https://code.europa.eu/healthdataeu/healthdcat-ap/-/raw/cd7841f/public/releases/release-8/html/shacl/HealthDCAT-AP_validator/config/rdf-validator/ehds/';
const GUARD_SHAPE = HEALTH_UPSTREAM + 'shapes/graph-guard.ttl#DatasetPresenceGuard';

// ---------------------------------------------------------------------------
// Parsing.

const FORMATS = {
  turtle: ['.ttl', '.turtle', '.n3'],
  ntriples: ['.nt'],
  rdfxml: ['.rdf', '.xml', '.owl'],
  jsonld: ['.jsonld', '.json'],
};

function detectFormat(file) {
  const ext = path.extname(file).toLowerCase();
  for (const [format, exts] of Object.entries(FORMATS)) if (exts.includes(ext)) return format;
  throw new Error(`${file}: cannot tell the RDF format from the extension; use --format`);
}

// parse returns the quads of one document as @zazuko/env terms, every blank
// node label prefixed with bnodePrefix (labels are per parse; the prefix keeps
// documents merged into one graph apart). Named graphs are merged into the
// default graph.
async function parse(text, format, baseIRI, bnodePrefix) {
  let raw;
  switch (format) {
    case 'turtle':
    case 'ntriples': {
      const parser = new N3.Parser({ baseIRI, format: format === 'turtle' ? 'text/turtle' : 'application/n-triples' });
      raw = parser.parse(text);
      break;
    }
    case 'rdfxml':
      raw = await new Promise((resolve, reject) => {
        const out = [];
        const parser = new RdfXmlParser({ baseIRI });
        parser.on('data', (q) => out.push(q));
        parser.on('error', reject);
        parser.on('end', () => resolve(out));
        parser.write(text);
        parser.end();
      });
      break;
    case 'jsonld': {
      // JSON-LD documents must never fetch anything: the document loader
      // refuses every remote context or document. Inline @context only.
      let refused = null;
      try {
        raw = await jsonld.toRDF(JSON.parse(text), {
          base: baseIRI,
          documentLoader: async (url) => {
            refused = url;
            throw new Error(`refusing to load ${url}`);
          },
        });
      } catch (e) {
        if (refused) throw new Error(`refusing to load remote JSON-LD context ${refused} (nothing is fetched; inline the @context)`);
        throw e;
      }
      break;
    }
    default:
      throw new Error(`unknown format ${format}`);
  }
  const term = (t) => {
    switch (t.termType) {
      case 'NamedNode': return rdf.namedNode(t.value);
      case 'BlankNode': return rdf.blankNode(bnodePrefix + t.value.replace(/^_:/, ''));
      case 'Literal':
        return t.language ? rdf.literal(t.value, t.language) : rdf.literal(t.value, rdf.namedNode(t.datatype.value));
      default: throw new Error(`unexpected ${t.termType} in triple`);
    }
  };
  return raw.map((q) => rdf.quad(term(q.subject), term(q.predicate), term(q.object)));
}

// patchDcatapPrefix adds the missing trailing slash to a `dcatap:` prefix
// declaration (Turtle `@prefix` or SPARQL-style `PREFIX`). It changes nothing else.
function patchDcatapPrefix(text) {
  const re = /((?:@prefix|PREFIX)\s+dcatap:\s*<http:\/\/data\.europa\.eu\/r5r)>/g;
  const patched = text.replace(re, '$1/>');
  return { text: patched, changed: patched !== text };
}

async function loadSpecFile(spec, bnodePrefix, notes) {
  const abs = path.join(SHACL_DIR, spec.file);
  let text = readFileSync(abs, 'utf8');
  if (spec.patchDcatapPrefix) {
    const r = patchDcatapPrefix(text);
    text = r.text;
    notes.push(r.changed
      ? `patched: ${spec.file}: @prefix dcatap: <http://data.europa.eu/r5r> -> <http://data.europa.eu/r5r/> (in memory)`
      : `patch not needed: ${spec.file} already declares dcatap: with the trailing slash`);
  }
  const base = spec.base || pathToFileURL(abs).href;
  return parse(text, detectFormat(abs), base, bnodePrefix);
}

function parseProperties(text) {
  const m = new Map();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith('!')) continue;
    const i = t.search(/[=:]/);
    if (i < 0) continue;
    m.set(t.slice(0, i).trim(), t.slice(i + 1).trim());
  }
  return m;
}

// ---------------------------------------------------------------------------
// Background data.

function ontologySubclassAxioms(pkg) {
  const dir = path.dirname(require.resolve(`${pkg}/package.json`));
  const name = pkg.split('/')[1];
  const text = readFileSync(path.join(dir, `${name}.nq`), 'utf8');
  const quads = new N3.Parser({ format: 'application/n-quads' }).parse(text);
  return quads
    .filter((q) => q.predicate.value === RDFS_SUBCLASSOF && q.subject.termType === 'NamedNode' && q.object.termType === 'NamedNode')
    .map((q) => rdf.quad(rdf.namedNode(q.subject.value), rdf.namedNode(RDFS_SUBCLASSOF), rdf.namedNode(q.object.value)));
}

// NAL stubs. The vocabulary checks (DCAT-AP-NO *Restriction shapes,
// HealthDCAT-AP mdr-vocabularies.shape.ttl) test `?value skos:inScheme
// <scheme>`, so they need the EU Named Authority Lists in the data graph.
// Those are not stored here. Instead, for every IRI in the data under
// http://publications.europa.eu/resource/authority/<table>/ (or an ADMS
// status/publishertype/licencetype code, or a hdeu-dcat health vocabulary that
// is not stored), add `<iri> skos:inScheme <table>`, and type the scheme
// skos:ConceptScheme unless the data itself mentions the scheme. This is the
// prefix check shared/spec/README.md §3.7 recommends: an unknown code with the
// right prefix passes. Turn it off with --no-nal-stubs.
const NAL_PATTERNS = [
  [/^(http:\/\/publications\.europa\.eu\/resource\/authority\/[^/]+)\/[^/]+$/, (m) => m[1]],
  [/^(https:\/\/hdeu-dcat\.data\.health\.europa\.eu\/resource\/authority\/[^/]+)\/[^/]+$/, (m) => m[1]],
  [/^http:\/\/purl\.org\/adms\/(status|publishertype|licencetype)\/(?!1\.0$)[^/]+$/, (m) => `http://purl.org/adms/${m[1]}/1.0`],
];

function nalStubs(userData, background) {
  const loadedSchemes = new Set();
  for (const q of background.match(null, rdf.namedNode(SKOS_INSCHEME), null)) loadedSchemes.add(q.object.value);
  const mentioned = new Set();
  const seen = new Set();
  for (const q of userData) {
    for (const t of [q.subject, q.object]) if (t.termType === 'NamedNode') mentioned.add(t.value);
  }
  const out = [];
  const schemes = new Map();
  for (const iri of mentioned) {
    for (const [re, scheme] of NAL_PATTERNS) {
      const m = iri.match(re);
      if (!m) continue;
      const s = scheme(m);
      if (loadedSchemes.has(s) || seen.has(iri)) break;
      seen.add(iri);
      out.push(rdf.quad(rdf.namedNode(iri), rdf.namedNode(SKOS_INSCHEME), rdf.namedNode(s)));
      schemes.set(s, (schemes.get(s) || 0) + 1);
      break;
    }
  }
  for (const s of schemes.keys()) {
    if (!mentioned.has(s)) out.push(rdf.quad(rdf.namedNode(s), rdf.namedNode(RDF_TYPE), rdf.namedNode(SKOS_CONCEPTSCHEME)));
  }
  return { quads: out, schemes };
}

// ---------------------------------------------------------------------------
// Loading a set.

async function loadSet(name) {
  const make = SETS[name];
  if (!make) throw new Error(`unknown shape set ${JSON.stringify(name)}; known: ${Object.keys(SETS).join(', ')}`);
  const set = make();
  const notes = [...set.notes];
  const shapes = rdf.dataset();
  const background = rdf.dataset();
  const loadedFiles = new Set();
  const resolved = new Set();
  const missing = new Map();
  let n = 0;

  const importsOf = (quads) => quads.filter((q) => q.predicate.value === OWL_IMPORTS && q.object.termType === 'NamedNode').map((q) => q.object.value);

  async function addFile(spec, target) {
    if (loadedFiles.has(spec.file)) return;
    loadedFiles.add(spec.file);
    const quads = await loadSpecFile(spec, `s${n++}_`, notes);
    for (const q of quads) target.add(q);
    for (const iri of importsOf(quads)) await resolveImport(iri, spec.file);
  }

  async function resolveImport(iri, from) {
    if (resolved.has(iri)) return;
    resolved.add(iri);
    if (SHAPE_IMPORTS.has(iri)) {
      const file = SHAPE_IMPORTS.get(iri);
      if (SKIPPED_IMPORTS.has(iri)) { notes.push(`import ${iri} (from ${from}): ${SKIPPED_IMPORTS.get(iri)}`); return; }
      notes.push(`import ${iri} (from ${from}) -> shapes ${file}` + (iri.includes('/3.0.0/') ? ' (DCAT-AP 3.0.1 stands in for 3.0.0)' : ''));
      await addFile({ file }, shapes);
    } else if (ONTOLOGY_IMPORTS.has(iri)) {
      const pkg = ONTOLOGY_IMPORTS.get(iri);
      const axioms = ontologySubclassAxioms(pkg);
      for (const q of axioms) background.add(q);
      notes.push(`import ${iri} (from ${from}) -> background: ${axioms.length} rdfs:subClassOf axioms from npm ${pkg}`);
    } else if (SKIPPED_IMPORTS.has(iri)) {
      notes.push(`import ${iri} (from ${from}): ${SKIPPED_IMPORTS.get(iri)}`);
    } else {
      missing.set(iri, from);
    }
  }

  for (const spec of set.shapes) await addFile(spec, shapes);
  for (const spec of set.background) {
    if (spec.importedAs) {
      resolved.add(spec.importedAs);
      notes.push(`import ${spec.importedAs} (config.properties owlImportMapping) -> background ${spec.file}`);
    }
    await addFile(spec, background);
  }
  for (const iri of set.imports) await resolveImport(iri, 'config.properties owlImportMapping');
  const nalMissing = [];
  for (const [iri, from] of missing) {
    if (/^https?:\/\/(publications\.europa\.eu|hdeu-dcat\.data\.health\.europa\.eu)\/resource\/authority\/[^/]+$/.test(iri)) {
      nalMissing.push(localName(iri));
    } else {
      notes.push(`missing import: ${iri} (from ${from}): not available locally, not loaded`);
    }
  }
  if (nalMissing.length > 0) {
    notes.push(`missing imports: the authority tables ${nalMissing.join(', ')} are not available locally; ` +
      'NAL stubs stand in for their skos:inScheme triples (see README)');
  }

  // rdf-validate-shacl has no SHACL-SPARQL: a shape with sh:sparql makes it
  // throw ("Cannot find validator for constraint component"). Remove the
  // sh:sparql triples; the one known use, HealthDCAT-AP's graph-guard.ttl
  // (the graph must contain a dcat:Dataset), is emulated in validate().
  let guard = false;
  for (const q of [...shapes.match(null, rdf.namedNode(SH + 'sparql'), null)]) {
    shapes.delete(q);
    if (q.subject.value === GUARD_SHAPE) {
      guard = true;
      notes.push('emulated: graph-guard.ttl DatasetPresenceGuard (SHACL-SPARQL, unsupported by rdf-validate-shacl) is checked in JavaScript: ' +
        'a Violation on <urn:x-shacl:guard> when no node has rdf:type dcat:Dataset');
    } else {
      notes.push(`dropped: sh:sparql constraint of ${termString(q.subject)} (SHACL-SPARQL is not supported by rdf-validate-shacl)`);
    }
  }
  if (shapes.match(null, rdf.namedNode(SH + 'extends'), null).size > 0 && !notes.some((s) => s.includes('sh:extends'))) {
    notes.push('not supported by rdf-validate-shacl: sh:extends (not SHACL 1.0 Core) is ignored');
  }
  return { name, description: set.description, shapes, background, guard, notes, files: [...loadedFiles] };
}

// ---------------------------------------------------------------------------
// Reporting.

function localName(iri) {
  return iri.replace(/^.*[#/]/, '');
}

function termString(t) {
  if (!t) return null;
  switch (t.termType) {
    case 'NamedNode': return t.value;
    case 'BlankNode': return `_:${t.value}`;
    case 'Literal': {
      const lex = JSON.stringify(t.value);
      if (t.language) return `${lex}@${t.language}`;
      if (t.datatype && t.datatype.value !== XSD_STRING && t.datatype.value !== RDF_LANGSTRING) return `${lex}^^<${t.datatype.value}>`;
      return lex;
    }
    default: return t.value;
  }
}

// renderPath writes a SHACL property path in SPARQL property-path syntax:
// a predicate path is the bare IRI; anything else uses <iri>, ^, |, /, *, +, ?.
function renderPath(term, shapes, top = true) {
  if (!term) return null;
  if (term.termType === 'NamedNode') return top ? term.value : `<${term.value}>`;
  const one = (p) => { const q = [...shapes.match(term, rdf.namedNode(p), null)]; return q.length ? q[0].object : null; };
  const list = (head) => {
    const items = [];
    for (let node = head; node && node.value !== RDF_NIL && items.length < 50;) {
      const first = [...shapes.match(node, rdf.namedNode(RDF_FIRST), null)][0];
      if (!first) break;
      items.push(first.object);
      node = [...shapes.match(node, rdf.namedNode(RDF_REST), null)][0]?.object;
    }
    return items;
  };
  let x;
  if ((x = one(SH + 'inversePath'))) return `^${renderPath(x, shapes, false)}`;
  if ((x = one(SH + 'alternativePath'))) return `(${list(x).map((p) => renderPath(p, shapes, false)).join('|')})`;
  if ((x = one(SH + 'zeroOrMorePath'))) return `${renderPath(x, shapes, false)}*`;
  if ((x = one(SH + 'oneOrMorePath'))) return `${renderPath(x, shapes, false)}+`;
  if ((x = one(SH + 'zeroOrOnePath'))) return `${renderPath(x, shapes, false)}?`;
  if (one(RDF_FIRST)) return `(${list(term).map((p) => renderPath(p, shapes, false)).join('/')})`;
  return termString(term);
}

// namedOwner finds the nearest named shape that refers to a blank shape (via
// sh:property, sh:node, sh:or/sh:and/sh:xone lists, sh:qualifiedValueShape ...).
function namedOwner(term, shapes) {
  let node = term;
  for (let depth = 0; depth < 20 && node && node.termType === 'BlankNode'; depth++) {
    const incoming = [...shapes.match(null, null, node)];
    if (incoming.length === 0) return null;
    const q = incoming.find((i) => i.predicate.value !== RDF_REST && i.predicate.value !== RDF_FIRST) || incoming[0];
    node = q.subject;
  }
  return node && node.termType === 'NamedNode' ? node.value : null;
}

// describeBlank gives a blank focus node a description that survives a
// re-parse: the nearest IRI subject that points to it and the predicates on
// the way (the lexically smallest chain, when there are several).
function describeBlank(term, data) {
  const chain = [];
  let node = term;
  const visited = new Set();
  while (node.termType === 'BlankNode' && chain.length < 10 && !visited.has(node.value)) {
    visited.add(node.value);
    const incoming = [...data.match(null, null, node)];
    if (incoming.length === 0) break;
    incoming.sort((a, b) => (a.subject.termType === 'NamedNode' ? 0 : 1) - (b.subject.termType === 'NamedNode' ? 0 : 1) ||
      a.subject.value.localeCompare(b.subject.value) || a.predicate.value.localeCompare(b.predicate.value));
    chain.unshift(incoming[0].predicate.value);
    node = incoming[0].subject;
  }
  if (node.termType === 'NamedNode') return { subject: node.value, path: chain };
  // No IRI points to it: describe the node by its own types and predicates.
  const own = [...data.match(term, null, null)];
  return {
    subject: null,
    types: [...new Set(own.filter((q) => q.predicate.value === RDF_TYPE).map((q) => q.object.value))].sort(),
    predicates: [...new Set(own.map((q) => q.predicate.value))].sort(),
  };
}

function pickMessage(terms) {
  if (!terms || terms.length === 0) return null;
  const en = terms.find((t) => t.language === 'en');
  const plain = terms.find((t) => !t.language);
  return (en || plain || terms[0]).value;
}

// ---------------------------------------------------------------------------
// Validation.

async function validate(set, files, opts) {
  const t0 = performance.now();
  const user = rdf.dataset();
  for (const [i, f] of files.entries()) {
    // "-" reads standard input (then --format is required).
    const stdin = f === '-';
    if (stdin && !opts.format) throw new Error('reading standard input (-) needs --format');
    const format = opts.format || detectFormat(f);
    const base = opts.base || (stdin ? 'urn:x-katalog:stdin' : pathToFileURL(path.resolve(f)).href);
    let text;
    try {
      text = readFileSync(stdin ? 0 : f, 'utf8');
    } catch (e) {
      throw new Error(`${f}: read: ${e.message}`);
    }
    let quads;
    try {
      quads = await parse(text, format, base, `f${i}_`);
    } catch (e) {
      throw new Error(`${f}: parse ${format}: ${e.message}`);
    }
    for (const q of quads) user.add(q);
  }
  const tParsed = performance.now();

  const notes = [...set.notes];
  const data = rdf.dataset([...user]);
  for (const q of set.background) data.add(q);
  const stubbed = new Set();
  if (opts.nalStubs) {
    const { quads, schemes } = nalStubs(user, set.background);
    for (const q of quads) if (q.predicate.value === SKOS_INSCHEME) stubbed.add(q.subject.value);
    for (const q of quads) data.add(q);
    if (schemes.size > 0) {
      notes.push(`NAL stubs: skos:inScheme added for ${[...schemes.values()].reduce((a, b) => a + b, 0)} vocabulary IRIs by prefix (` +
        [...schemes].map(([s, c]) => `${localName(s) === '1.0' ? s.replace(/\/1\.0$/, '').replace(/^.*\//, 'adms ') : localName(s)} ${c}`).join(', ') +
        '); --no-nal-stubs turns this off');
    }
  } else {
    notes.push('NAL stubs off (--no-nal-stubs): every EU vocabulary check that needs the NAL RDF fails');
  }

  const validator = new SHACLValidator(set.shapes, {
    factory: rdf,
    // rdf-validate-shacl stops checking a (node, shape) pair after 50 checks
    // (maxNodeChecks, a guard against recursive shapes) and then reports it
    // as conforming: a licence IRI or a format literal that 300 distributions
    // share would be reported for the first 50 only. None of the shape sets
    // recurses, so the guard is off.
    maxNodeChecks: 0,
    // Every owl:import has been resolved (or reported missing) in loadSet.
    importGraph: async () => rdf.dataset(),
  });
  const report = await validator.validate(data);
  const tValidated = performance.now();

  const inUserData = (t) => user.match(t, null, null).size > 0 || user.match(null, null, t).size > 0;
  const results = [];
  let dropped = 0;
  for (const r of report.results) {
    const focus = r.focusNode;
    if (!inUserData(focus)) { dropped++; continue; }
    const shape = r.sourceShape;
    const out = {
      focusNode: termString(focus),
      path: renderPath(r.path, set.shapes),
      severity: localName(r.severity.value),
      constraint: `sh:${localName(r.sourceConstraintComponent.value)}`,
      shape: termString(shape),
      value: termString(r.value),
      message: pickMessage(r.message),
    };
    if (shape && shape.termType === 'BlankNode') out.shapeOwner = namedOwner(shape, set.shapes);
    if ((r.value && stubbed.has(r.value.value)) || stubbed.has(focus.value)) out.stubbedVocabulary = true;
    if (focus.termType === 'BlankNode') out.focusNodeContext = describeBlank(focus, user);
    results.push(out);
  }
  if (set.guard && user.match(null, rdf.namedNode(RDF_TYPE), rdf.namedNode(DCAT_DATASET)).size === 0) {
    results.push({
      focusNode: 'urn:x-shacl:guard',
      path: null,
      severity: 'Violation',
      constraint: 'sh:SPARQLConstraintComponent',
      shape: GUARD_SHAPE,
      value: 'urn:x-shacl:guard',
      message: 'The submitted RDF graph must contain at least one dcat:Dataset instance. A shapes file, ontology, or other non-dataset document was submitted.',
    });
  }
  if (dropped > 0) notes.push(`dropped ${dropped} results whose focus node occurs only in background data (vocabularies, ontologies, NAL stubs)`);

  const key = (r) => [r.focusNode, r.path || '', r.constraint, r.shape || '', r.value || '', r.message || ''].join('\u0000');
  results.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const summary = { Violation: 0, Warning: 0, Info: 0 };
  for (const r of results) summary[r.severity] = (summary[r.severity] || 0) + 1;

  return {
    doc: {
      shapes: set.name,
      description: set.description,
      setFiles: set.files,
      files: files,
      conforms: !results.some((r) => r.severity === 'Violation'),
      summary,
      triples: { data: user.size, background: data.size - user.size, shapes: set.shapes.size },
      notes,
      results,
    },
    timing: { parse: tParsed - t0, validate: tValidated - tParsed, total: performance.now() - t0 },
  };
}

// writeReport prints the report with one result per line: readable, and
// diff-friendly when a baseline is kept.
function writeReport(doc) {
  const { results, ...head } = doc;
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  lines.push(`  "results": [${results.length ? '\n' + results.map((r) => '    ' + JSON.stringify(r)).join(',\n') + '\n  ' : ''}]`);
  process.stdout.write(`{\n${lines.join(',\n')}\n}\n`);
}

// `conforms` in the report follows SHACL: false when there is any result of
// severity Violation; Warning and Info results do not break conformance.

function usage(msg) {
  if (msg) process.stderr.write(`shacl.mjs: ${msg}\n`);
  process.stderr.write(`usage: node shacl.mjs --shapes SET [--format turtle|ntriples|rdfxml|jsonld] [--base IRI] [--no-nal-stubs] [--timing] [--quiet] FILE...
sets: ${Object.keys(SETS).join(', ')}
`);
  process.exit(2);
}

async function main(argv) {
  const opts = { nalStubs: true, quiet: false };
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--shapes') opts.shapes = value();
    else if (a === '--format') opts.format = value();
    else if (a === '--base') opts.base = value();
    else if (a === '--no-nal-stubs') opts.nalStubs = false;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--timing') opts.timing = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-') && a !== '-') usage(`unknown option ${a}`);
    else files.push(a);
  }
  if (!opts.shapes) usage('--shapes is required');
  if (files.length === 0) usage('no input files');
  if (opts.format && !(opts.format in FORMATS)) usage(`unknown format ${opts.format}`);

  const tLoad = performance.now();
  const set = await loadSet(opts.shapes);
  const loadMs = performance.now() - tLoad;
  const { doc, timing } = await validate(set, files, opts);
  if (opts.timing) {
    const s = (ms) => Math.round(ms) / 1000;
    doc.timing = { shapesSeconds: s(loadMs), parseSeconds: s(timing.parse), validateSeconds: s(timing.validate), rssMB: Math.round(process.memoryUsage().rss / 1048576) };
  }
  writeReport(doc);
  if (!opts.quiet) {
    const s = (ms) => (ms / 1000).toFixed(1) + 's';
    process.stderr.write(`shacl.mjs: ${opts.shapes} ${files.join(' ')}: ${doc.triples.data} triples, ` +
      `${doc.summary.Violation} violations, ${doc.summary.Warning} warnings, ${doc.summary.Info} info; ` +
      `shapes ${s(loadMs)}, parse ${s(timing.parse)}, validate ${s(timing.validate)}, ` +
      `heap ${Math.round(process.memoryUsage().rss / 1048576)} MB rss\n`);
  }
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`shacl.mjs: ${e.message}\n`);
  process.exit(1);
});
