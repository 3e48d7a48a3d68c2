// One payments export, read and built in a fresh Node process (the footing of the CLI and of the
// other baselines: no heap or JIT state left by earlier sections):
//   node bench/pagos-build.mjs PAGOS.csv ROUNDS
// Each round times csv-parse alone reading the file, then buildReps (fast rules) making every REP's
// XML in memory; prints {"parse":[s...],"build":[s...],"reps":N} on stdout.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { buildReps, PAYMENT_COLUMN_SET, parseSalesConfig, readSalesRecords } from '../dist/src/index.js';

const [file, roundsText = '3'] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node bench/pagos-build.mjs PAGOS.csv [ROUNDS]\n');
  process.exit(2);
}
const config = parseSalesConfig({
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  lugarExpedicion: '42501',
  serie: 'B',
});
const text = readFileSync(file, 'utf8');
const parse = [];
const build = [];
let reps = 0;
for (let round = 0; round < Number(roundsText); round++) {
  let started = performance.now();
  let rows = 0;
  for await (const _record of Readable.from([text]).pipe(parseCsv({ columns: true }))) rows++;
  parse.push((performance.now() - started) / 1000);
  started = performance.now();
  reps = 0;
  for await (const item of buildReps(readSalesRecords([text], { columnSet: PAYMENT_COLUMN_SET }), config)) {
    if (item.kind !== 'output') throw new Error(`rejected: ${JSON.stringify(item.reject)}`);
    if (item.value.text.length === 0) throw new Error('empty REP');
    reps++;
  }
  build.push((performance.now() - started) / 1000);
  if (rows === 0) throw new Error('no rows');
}
process.stdout.write(`${JSON.stringify({ parse, build, reps })}\n`);
