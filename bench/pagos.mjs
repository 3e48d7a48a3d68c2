// REPs (CFDI tipo P with Pagos 2.0) built per second from payment facts (issue 10), in-process on
// the built library (dist/): computePagos (saldos, ImpuestosDR, ImpuestosP, Totales with decimal.js)
// + repComprobante + renderComprobante, 3 DoctoRelacionado per payment, amounts that never repeat.
// Baseline in the same run: rendering the same REPs alone (what the XML costs without the arithmetic).
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computePagos, renderComprobante, repComprobante } from '../dist/src/index.js';
import { runCli, runTimed, workspace } from './build.mjs';
import { figure } from './figures.mjs';
import { highBitsRandom } from './varied-data.mjs';

export const TARGETS = Object.freeze({ repsPerSecond: 5_000 });

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
  const reps = facts.map((f, i) => {
    const { pagos, issues } = computePagos(f);
    if (pagos === undefined) throw new Error(JSON.stringify(issues));
    return repComprobante({ ...HEADER, folio: String(i + 1) }, pagos);
  });
  const built = rate((i) => {
    const { pagos } = computePagos(facts[i]);
    renderComprobante(repComprobante({ ...HEADER, folio: String(i + 1) }, pagos));
  }, count);
  const renderAlone = rate((i) => renderComprobante(reps[i]), count);
  return {
    reps: figure({
      label:
        'REPs built: computePagos + repComprobante + XML, 3 DoctoRelacionado each (non-repeating amounts)',
      value: built,
      unit: 'REPs/s',
      baseline: { name: 'renderComprobante alone (same REPs)', value: renderAlone },
      targets: [{ on: 'value', op: '>=', limit: TARGETS.repsPerSecond }],
      detail: 'library calls on one thread',
    }),
    ...(await benchPagosExport(facts)),
  };
}

const EXPORT_HEADER =
  'fechaPago,formaDePagoP,monedaP,numOperacion,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal,idDocumento,numParcialidad,impSaldoAnt,impPagado,iva,retencionIsr';

/** The same payments as a payments export: `build --to pagos-zip` end to end, beside reading the file alone. */
async function benchPagosExport(facts) {
  const dir = await workspace();
  try {
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
    const input = join(dir, 'pagos.csv');
    await writeFile(input, `${lines.join('\n')}\n`);
    const run = await runCli(['build', input, '--to', 'pagos-zip', '--out', join(dir, 'reps.zip')], dir);
    if (run.code !== 0) throw new Error(`build --to pagos-zip exited ${run.code}: ${run.stderr}`);
    const read = await runTimed(
      [process.execPath, '-e', `require('node:fs').readFileSync(${JSON.stringify(input)})`],
      dir,
    );
    return {
      repsExport: figure({
        label: `build --to pagos-zip: ${facts.length.toLocaleString('en-US')} payments × 3 invoices from a CSV (CLI, start-up included)`,
        value: facts.length / run.seconds,
        unit: 'REPs/s',
        baseline: { name: 'node reading the same file', value: facts.length / read.seconds },
        targets: [{ on: 'value', op: '>=', limit: TARGETS.repsPerSecond }],
        detail: `${run.seconds.toFixed(2)} s; peak RSS ${run.peakRssMb} MB (payments are gathered in memory)`,
      }),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
