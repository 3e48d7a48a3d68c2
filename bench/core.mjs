// Benchmarks of the foundation (issue 2) and the layout engine (issue 3), in-process on the built
// library (dist/). Each function returns its figures; bench/run.mjs runs each in its own process
// so that the peak RSS it reports belongs to that section alone.
import {
  compileLayout,
  completeComprobante,
  desglose,
  LAYOUTS,
  parseComprobante,
  parseLayout,
  prepareDesglose,
  renderComprobante,
  renderLayout,
} from '../dist/src/index.js';

/** Targets on the reference 2-core machine (issues 2 and 3). */
export const TARGETS = Object.freeze({
  desglosesPerSecond: 150_000,
  render1PerSecond: 8_000,
  layoutRecordsPerSecond: 100_000,
});

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns operations per second. */
function rate(fn, ms = 1500) {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = performance.now();
  }
  return Math.round((n * 1000) / (now - start));
}

// A deterministic stream of importes with cents, like ticket lines.
function importes(count) {
  const out = [];
  let x = 12345;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(`${1 + (x % 250000)}.${String(x % 100).padStart(2, '0')}`);
  }
  return out;
}

/** desglose operations per second for the common rate mixes. */
export function benchDesglose() {
  const amounts = importes(4096);
  const results = {};
  for (const [label, options] of [
    ['iva16', { iva: '16' }],
    ['iva16+ish3', { iva: '16', ish: '3' }],
    ['iva16+ieps8', { iva: '16', ieps: '8' }],
  ]) {
    let i = 0;
    results[`desglose ${label} ops/s`] = rate(() => desglose({ importe: amounts[i++ & 4095], ...options }));
  }
  const prepared = prepareDesglose({ iva: '16' });
  let j = 0;
  results['desglose iva16 prepared ops/s'] = rate(() => prepared.desglose(amounts[j++ & 4095]));
  return results;
}

function invoice(conceptos) {
  const input = {
    version: '4.0',
    serie: 'A',
    folio: '1001',
    fecha: '2026-11-20T12:00:00',
    formaPago: '01',
    moneda: 'MXN',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '42501',
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'URE180429TM6',
      nombre: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
      domicilioFiscalReceptor: '86991',
      regimenFiscalReceptor: '601',
      usoCFDI: 'G03',
    },
    conceptos: Array.from({ length: conceptos }, (_, i) => ({
      claveProdServ: '50202306',
      noIdentificacion: `SKU-${i + 1}`,
      cantidad: String(1 + (i % 3)),
      claveUnidad: 'H87',
      descripcion: `Producto de prueba número ${i + 1}`,
      valorUnitario: `${100 + i * 7}.${String((i * 13) % 100).padStart(2, '0')}`,
      objetoImp: '02',
      impuestos: { traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }] },
    })),
  };
  return completeComprobante(input).comprobante;
}

/** Pre-CFDI XML rendered and parsed per second, with 1 and with 10 conceptos. */
export function benchXml() {
  const one = invoice(1);
  const ten = invoice(10);
  const xml1 = renderComprobante(one);
  const xml10 = renderComprobante(ten);
  return {
    'xml render 1 concepto docs/s': rate(() => renderComprobante(one)),
    'xml render 10 conceptos docs/s': rate(() => renderComprobante(ten)),
    'xml parse 1 concepto docs/s': rate(() => parseComprobante(xml1)),
    'xml parse 10 conceptos docs/s': rate(() => parseComprobante(xml10)),
  };
}

/** Layout render and parse of a 100,000-line file (tralix-40), in records/s and MB/s. */
export function benchLayouts() {
  const layout = compileLayout(LAYOUTS['tralix-40']);
  // 50,000 conceptos with one traslado each, plus the header records: about 100,000 lines.
  const doc = invoice(50_000);
  let t = performance.now();
  const rendered = renderLayout(layout, doc);
  const renderMs = performance.now() - t;
  if (rendered.issues.some((i) => i.severity === 'error'))
    throw new Error(JSON.stringify(rendered.issues.slice(0, 3)));
  const lines = rendered.text.split('\n').filter((l) => l !== '').length;
  const mb = Buffer.byteLength(rendered.text) / 1e6;
  t = performance.now();
  const parsed = parseLayout(layout, rendered.text);
  const parseMs = performance.now() - t;
  if (parsed.comprobante === undefined) throw new Error('the rendered layout did not parse back');
  return {
    'layout lines': lines,
    'layout render records/s': Math.round((lines * 1000) / renderMs),
    'layout render MB/s': Number(((mb * 1000) / renderMs).toFixed(1)),
    'layout parse records/s': Math.round((lines * 1000) / parseMs),
    'layout parse MB/s': Number(((mb * 1000) / parseMs).toFixed(1)),
  };
}
