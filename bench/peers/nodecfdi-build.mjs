// The baseline of `build --to xml` / `build --to zip` in the varied bench: the same nominative
// invoices built with nodecfdi (@nodecfdi/cfdi-elements on @nodecfdi/cfdi-core, the current
// packages of the CfdiUtils line) and serialized to XML files on disk, or into one ZIP with archiver
// at the bundles' deflate level. nodecfdi does not split a tax-included importe, so each line's
// amounts come from cfdi-layout's own conceptoFromImporte (the same desglose our build uses) and the
// comprobante totals are summed here in integer cents, as the SAT's rules A.5 sum them; the bench
// checks that the documents are the same as ours, element by element and attribute by attribute.
//
//   node bench/peers/nodecfdi-build.mjs --to xml|zip --out DIR|FILE.zip [--config FILE] SALES.csv
//
// Prints {"documents": N, "buildSeconds": S} on stdout; S is the time from the first row read to
// the last byte written. bench/peers/ has its own package.json: nodecfdi is never a dependency of
// cfdi-layout.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { nodeToXmlString } from '@nodecfdi/cfdi-core';
import { Comprobante } from '@nodecfdi/cfdi-elements/cfdi40';
import { ImpuestosLocales } from '@nodecfdi/cfdi-elements/implocal10';
import { ZipArchive } from 'archiver';
import { parse } from 'csv-parse';
import { conceptoFromImporte } from '../../dist/src/index.js';

const args = process.argv.slice(2);
const option = (flag, fallback) => {
  const at = args.indexOf(flag);
  return at === -1 ? fallback : args.splice(at, 2)[1];
};
const to = option('--to');
const out = option('--out');
const configPath = option('--config', 'cfdi-layout.config.json');
const input = args[0];
if ((to !== 'xml' && to !== 'zip') || out === undefined || input === undefined) {
  console.error(
    'usage: node bench/peers/nodecfdi-build.mjs --to xml|zip --out DIR|FILE.zip [--config FILE] SALES.csv',
  );
  process.exit(2);
}
const config = JSON.parse(await readFile(configPath, 'utf8'));

/** "123.45" → 12345 (every amount here has the 2 decimals of MXN). */
function cents(text) {
  const dot = text.indexOf('.');
  return dot === -1
    ? Number(text) * 100
    : Number(text.slice(0, dot)) * 100 + Number(text.slice(dot + 1).padEnd(2, '0'));
}

/** A Cantidad as cfdi-layout writes it from a row: `1.130` → `1.13` (the rows keep the value, not the zeros). */
function cantidad(text) {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

function money(value) {
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}

/** One nominative invoice from the rows of one ticket, as a nodecfdi Comprobante. */
function invoice(rows) {
  const first = rows[0];
  let subtotal = 0;
  const traslados = new Map();
  const locales = new Map();
  const conceptos = [];
  for (const row of rows) {
    const { concepto, ish } = conceptoFromImporte({
      importe: row.importe,
      iva: row.iva,
      ish: row.ish,
      cantidad: cantidad(row.cantidad),
      claveProdServ: row.claveProdServ,
      claveUnidad: row.claveUnidad,
      noIdentificacion: row.noIdentificacion,
      descripcion: row.descripcion,
      objetoImp: '02',
    });
    subtotal += cents(concepto.importe);
    for (const t of concepto.impuestos.traslados) {
      const key = `${t.impuesto}|${t.tipoFactor}|${t.tasaOCuota}`;
      const sum = traslados.get(key) ?? { ...t, base: 0, importe: 0 };
      sum.base += cents(t.base);
      sum.importe += cents(t.importe);
      traslados.set(key, sum);
    }
    if (ish !== undefined) {
      const key = `${ish.impLocTrasladado}|${ish.tasadeTraslado}`;
      const sum = locales.get(key) ?? { ...ish, importe: 0 };
      sum.importe += cents(ish.importe);
      locales.set(key, sum);
    }
    conceptos.push(concepto);
  }
  let trasladados = 0;
  for (const t of traslados.values()) trasladados += t.importe;
  let localesTotal = 0;
  for (const l of locales.values()) localesTotal += l.importe;
  const comprobante = new Comprobante({
    Serie: config.serie,
    Folio: first.ticket,
    Fecha: first.fecha,
    FormaPago: first.formaPago,
    SubTotal: money(subtotal),
    Moneda: 'MXN',
    Total: money(subtotal + trasladados + localesTotal),
    TipoDeComprobante: 'I',
    Exportacion: '01',
    MetodoPago: 'PUE',
    LugarExpedicion: config.lugarExpedicion,
  });
  comprobante.addEmisor({
    Rfc: config.emisor.rfc,
    Nombre: config.emisor.nombre,
    RegimenFiscal: config.emisor.regimenFiscal,
  });
  comprobante.addReceptor({
    Rfc: first.receptorRfc,
    Nombre: first.receptorNombre,
    DomicilioFiscalReceptor: first.receptorDomicilioFiscal,
    RegimenFiscalReceptor: first.receptorRegimenFiscal,
    UsoCFDI: first.usoCFDI,
  });
  for (const c of conceptos) {
    const concepto = comprobante.addConcepto({
      ClaveProdServ: c.claveProdServ,
      NoIdentificacion: c.noIdentificacion,
      Cantidad: c.cantidad,
      ClaveUnidad: c.claveUnidad,
      Descripcion: c.descripcion,
      ValorUnitario: c.valorUnitario,
      Importe: c.importe,
      ObjetoImp: c.objetoImp,
    });
    for (const t of c.impuestos.traslados) {
      concepto.addTraslado({
        Base: t.base,
        Impuesto: t.impuesto,
        TipoFactor: t.tipoFactor,
        TasaOCuota: t.tasaOCuota,
        Importe: t.importe,
      });
    }
  }
  comprobante.addImpuestos({ TotalImpuestosTrasladados: money(trasladados) });
  for (const t of traslados.values()) {
    comprobante.addTraslado({
      Base: money(t.base),
      Impuesto: t.impuesto,
      TipoFactor: t.tipoFactor,
      TasaOCuota: t.tasaOCuota,
      Importe: money(t.importe),
    });
  }
  if (locales.size > 0) {
    const implocal = new ImpuestosLocales({
      TotaldeRetenciones: '0.00',
      TotaldeTraslados: money(localesTotal),
    });
    for (const l of locales.values()) {
      implocal.addTrasladosLocales({
        ImpLocTrasladado: l.impLocTrasladado,
        TasadeTraslado: l.tasadeTraslado,
        Importe: money(l.importe),
      });
    }
    comprobante.addComplemento(implocal);
  }
  return { name: `${config.serie}-${first.ticket}.xml`, xml: nodeToXmlString(comprobante, true) };
}

/** The invoices of a sorted export, one per ticket. */
async function* invoices(path) {
  let rows = [];
  for await (const row of createReadStream(path).pipe(parse({ columns: true }))) {
    if (rows.length > 0 && rows[0].ticket !== row.ticket) {
      yield invoice(rows);
      rows = [];
    }
    rows.push(row);
  }
  if (rows.length > 0) yield invoice(rows);
}

/** Writes each document to its file, at most `inFlight` writes pending (the event loop keeps building). */
async function toFiles(dir, inFlight = 32) {
  await mkdir(dir, { recursive: true });
  const pending = new Set();
  let count = 0;
  for await (const doc of invoices(input)) {
    const write = writeFile(join(dir, doc.name), doc.xml).then(() => pending.delete(write));
    pending.add(write);
    count++;
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  return count;
}

/** Appends each document to one ZIP (deflate 6, the bundles' fixed date and mode), with back-pressure. */
async function toZip(file) {
  await mkdir(dirname(file), { recursive: true });
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const sink = createWriteStream(file);
  const closed = new Promise((resolve, reject) => {
    sink.on('close', resolve);
    archive.on('error', reject);
  });
  archive.pipe(sink);
  const date = new Date(Date.UTC(1980, 0, 1));
  let queued = 0;
  let done = 0;
  archive.on('entry', () => {
    done++;
  });
  for await (const doc of invoices(input)) {
    archive.append(Buffer.from(doc.xml), { name: doc.name, date, mode: 0o644 });
    queued++;
    while (queued - done > 32) await new Promise((r) => archive.once('entry', r));
  }
  await archive.finalize();
  await closed;
  return queued;
}

const started = process.hrtime.bigint();
const documents = to === 'xml' ? await toFiles(out) : await toZip(out);
const buildSeconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ documents, buildSeconds })}\n`);
