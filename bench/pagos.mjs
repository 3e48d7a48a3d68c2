// REPs (CFDI tipo P with Pagos 2.0) built per second from payment facts (issue 10), in-process on
// the built library (dist/): computePagos (saldos, ImpuestosDR, ImpuestosP, Totales with decimal.js)
// + repComprobante + renderComprobante, 3 DoctoRelacionado per payment, amounts that never repeat.
// Baseline in the same run: rendering the same REPs alone (what the XML costs without the arithmetic).
// From a payments export: REPs built in process beside csv-parse alone reading the file, and
// `build --to pagos-zip` end to end beside archiver alone zipping the same REP XML.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildReps,
  computePagos,
  PAYMENT_COLUMN_SET,
  parseSalesConfig,
  readSalesRecords,
  renderComprobante,
  repComprobante,
} from '../dist/src/index.js';
import { archiverAlone, runCli, runTimed, workspace } from './build.mjs';
import { figure } from './figures.mjs';
import { highBitsRandom } from './varied-data.mjs';

const BUILD_ALONE = fileURLToPath(new URL('./pagos-build.mjs', import.meta.url));

export const TARGETS = Object.freeze({ repsPerSecond: 5_000, zipRatio: 0.8 });

const HEADER = {
  serie: 'P',
  fecha: '2024-05-02T10:00:00',
  lugarExpedicion: '42501',
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  receptor: {
    rfc: 'URE180429TM6',
    nombre: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
    domicilioFiscalReceptor: '86991',
    regimenFiscalReceptor: '601',
  },
};

function money(cents) {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** `count` payments of 3 invoices each (IVA 16 %, some IVA 8 %, some with ISR retenido), MXN. */
function paymentFacts(count) {
  const next = highBitsRandom(20261208);
  const out = [];
  for (let n = 0; n < count; n++) {
    const doctos = [];
    let monto = 0;
    for (let d = 0; d < 3; d++) {
      const saldo = 100_000 + next(90_000_000);
      const pagado = 1 + next(saldo);
      monto += pagado;
      const rate = next(4) === 0 ? '0.080000' : '0.160000';
      doctos.push({
        idDocumento: `${String(n).padStart(8, '0')}-0000-4000-8000-${String(d).padStart(12, '0')}`,
        monedaDR: 'MXN',
        equivalenciaDR: '1',
        numParcialidad: String(1 + next(5)),
        impSaldoAnt: money(saldo),
        impPagado: money(pagado),
        objetoImpDR: '02',
        traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: rate }],
        ...(next(3) === 0
          ? { retenciones: [{ impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000' }] }
          : {}),
      });
    }
    out.push({
      pago: [
        {
          fechaPago: '2024-05-01T12:00:00',
          formaDePagoP: '03',
          monedaP: 'MXN',
          tipoCambioP: '1',
          monto: money(monto),
          doctoRelacionado: doctos,
        },
      ],
    });
  }
  return out;
}

function rate(fn, count, ms = 2000) {
  for (let i = 0; i < Math.min(count, 500); i++) fn(i);
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 50; k++) fn(n++ % count);
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

export async function benchPagos({ count = 20_000 } = {}) {
  const facts = paymentFacts(count);
  let reps = facts.map((f, i) => {
    const { pagos, issues } = computePagos(f);
    if (pagos === undefined) throw new Error(JSON.stringify(issues));
    return repComprobante({ ...HEADER, folio: String(i + 1) }, pagos);
  });
  const built = rate((i) => {
    const { pagos } = computePagos(facts[i]);
    renderComprobante(repComprobante({ ...HEADER, folio: String(i + 1) }, pagos));
  }, count);
  const renderAlone = rate((i) => renderComprobante(reps[i]), count);
  reps = undefined;
  const library = figure({
    label: 'REPs built: computePagos + repComprobante + XML, 3 DoctoRelacionado each (non-repeating amounts)',
    value: built,
    unit: 'REPs/s',
    baseline: { name: 'renderComprobante alone (same REPs)', value: renderAlone },
    targets: [{ on: 'value', op: '>=', limit: TARGETS.repsPerSecond }],
    detail: 'library calls on one thread',
  });
  return { reps: library, ...(await benchPagosExport(facts)) };
}

const EXPORT_HEADER =
  'fechaPago,formaDePagoP,monedaP,numOperacion,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal,idDocumento,numParcialidad,impSaldoAnt,impPagado,iva,retencionIsr';

const EXPORT_CONFIG = {
  emisor: HEADER.emisor,
  lugarExpedicion: HEADER.lugarExpedicion,
  serie: 'B',
};

/** The payments facts as a payments export: one row per payment × DR (IVA and ISR as percentages). */
function exportText(facts) {
  const lines = [EXPORT_HEADER];
  facts.forEach((f, n) => {
    const p = f.pago[0];
    for (const d of p.doctoRelacionado) {
      const iva = String(Number(d.traslados[0].tasaOCuota) * 100);
      const isr = d.retenciones === undefined ? '' : '10';
      lines.push(
        `${p.fechaPago},03,MXN,OP-${n},URE180429TM6,UNIVERSIDAD ROBOTICA ESPAÑOLA,86991,601,${d.idDocumento},${d.numParcialidad},${d.impSaldoAnt},${d.impPagado},${iva},${isr}`,
      );
    }
  });
  return `${lines.join('\n')}\n`;
}

/**
 * The same payments as a payments export: REPs built from it in process (reading included, three
 * rounds, the median taken) beside csv-parse alone reading it, and `build --to pagos-zip` end to end
 * (CLI, start-up included) beside archiver alone zipping the same REP XML from memory.
 */
async function benchPagosExport(facts) {
  const dir = await workspace();
  try {
    const text = exportText(facts);
    const input = join(dir, 'pagos.csv');
    await writeFile(input, text);
    // Read and built in a fresh process, three rounds; the median round of each side is the figure.
    const inProcess = await runTimed([process.execPath, BUILD_ALONE, input, '3'], dir, {
      captureStdout: true,
    });
    if (inProcess.code !== 0)
      throw new Error(`bench/pagos-build.mjs exited ${inProcess.code}: ${inProcess.stderr}`);
    const { parse: parses, build: rounds, reps: built } = JSON.parse(inProcess.stdout);
    if (built !== facts.length) throw new Error(`built ${built} REPs of ${facts.length}`);
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const run = await runCli(['build', input, '--to', 'pagos-zip', '--out', join(dir, 'reps.zip')], dir);
    if (run.code !== 0) throw new Error(`build --to pagos-zip exited ${run.code}: ${run.stderr}`);
    const config = parseSalesConfig(EXPORT_CONFIG);
    const files = [];
    for await (const item of buildReps(readSalesRecords([text], { columnSet: PAYMENT_COLUMN_SET }), config))
      if (item.kind === 'output') files.push({ name: item.value.name, content: item.value.text });
    const aloneSeconds = await archiverAlone(files, join(dir, 'alone.zip'));
    const count = facts.length;
    return {
      repsFromExport: figure({
        label: `REPs built from a payments export: ${count.toLocaleString('en-US')} payments × 3 invoices read, checked (fast rules), computed and written as XML in memory`,
        value: count / median(rounds),
        unit: 'REPs/s',
        baseline: { name: 'csv-parse alone reading the same file', value: count / median(parses) },
        targets: [{ on: 'value', op: '>=', limit: TARGETS.repsPerSecond }],
        detail: `one thread, library calls in a fresh process; rounds ${rounds.map((r) => Math.round(count / r).toLocaleString('en-US')).join(', ')} REPs/s`,
      }),
      repsExport: figure({
        label: `build --to pagos-zip: ${count.toLocaleString('en-US')} payments × 3 invoices from a CSV into a ZIP (CLI, start-up included)`,
        value: count / run.seconds,
        unit: 'REPs/s',
        baseline: {
          name: 'archiver alone zipping the same REP XML from memory',
          value: count / aloneSeconds,
        },
        targets: [{ on: 'ratio', op: '>=', limit: TARGETS.zipRatio }],
        detail: `${run.seconds.toFixed(2)} s; peak RSS ${run.peakRssMb} MB (payments are gathered in memory)`,
      }),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
