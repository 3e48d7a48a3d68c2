// The floors that the varied bench sets our figures beside, each run as its own Node process (the
// same footing as the CLI: start-up included), under /usr/bin/time:
//   node bench/alone.mjs csv SALES.csv   csv-parse alone, columns: true, streaming: prints the record count
//   node bench/alone.mjs xml DIR         fast-xml-parser alone on every DIR/*.xml (read + parse): prints the count
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { XMLParser } from 'fast-xml-parser';

const [mode, target] = process.argv.slice(2);
let count = 0;
if (mode === 'csv' && target !== undefined) {
  for await (const _record of createReadStream(target).pipe(parse({ columns: true }))) count++;
} else if (mode === 'xml' && target !== undefined) {
  const parser = new XMLParser({ ignoreAttributes: false, preserveOrder: true });
  const names = (await readdir(target)).filter((n) => n.endsWith('.xml')).sort();
  for (const name of names) {
    parser.parse(await readFile(join(target, name), 'utf8'));
    count++;
  }
} else {
  console.error('usage: node bench/alone.mjs csv SALES.csv | xml DIR');
  process.exit(2);
}
process.stdout.write(`${count}\n`);
