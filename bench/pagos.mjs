// REPs (CFDI tipo P with Pagos 2.0) built per second from payment facts (issue 10), in-process on
// the built library (dist/): computePagos (saldos, ImpuestosDR, ImpuestosP, Totales with decimal.js)
// + repComprobante + renderComprobante, 3 DoctoRelacionado per payment, amounts that never repeat.
// Baseline in the same run: rendering the same REPs alone (what the XML costs without the arithmetic).
import { computePagos, renderComprobante, repComprobante } from '../dist/src/index.js';
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

export async function benchPagos({ count = 5_000 } = {}) {
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
      detail: 'library calls on one thread; `build PAGOS.csv --to pagos-xml` is not built yet (issue 10)',
    }),
  };
}
