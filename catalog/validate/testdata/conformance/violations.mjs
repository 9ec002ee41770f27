#!/usr/bin/env node
// violations.mjs prints the SHACL violations in shacl.mjs reports and exits 1
// when there is any (0 when every report conforms).
//
//   node violations.mjs REPORT.json...
import { readFileSync } from 'node:fs';

let total = 0;
for (const file of process.argv.slice(2)) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const v = r.results.filter((x) => x.severity === 'Violation');
  total += v.length;
  console.error(`violations.mjs: ${file}: ${r.shapes}: ${v.length} violations, ${r.summary.Warning} warnings, ${r.triples.data} triples`);
  for (const x of v.slice(0, 20)) {
    console.error(`  ${x.focusNode} ${x.path} ${x.constraint} ${x.value ?? ''} ${x.message ?? ''}`);
  }
}
process.exit(total > 0 ? 1 : 0);
