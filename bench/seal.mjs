// Cadena original + CSD seal per second (issue 13), in-process on the built library (dist/), on
// 10-concepto invoices whose amounts never repeat, beside what bounds it, measured in the same run:
// RSA-2048 signing alone (node:crypto over the same cadenas: the floor), SAT's stylesheet through
// kit/cadena.sh (xsltproc) and `openssl dgst -sha256 -sign` per document, the way a shell pipeline
// without this library seals.
import { spawnSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  cadenaOriginal,
  completeComprobante,
  comprobanteTree,
  loadCsd,
  renderSealed,
  verifySello,
} from '../dist/src/index.js';
import { figure } from './figures.mjs';
import { highBitsRandom } from './varied-data.mjs';

const KIT = resolve(import.meta.dirname, '../../shared/kit');
const CSD = join(KIT, 'csd', 'EKU9003173C9');

export const TARGETS = Object.freeze({ sealedPerSecond: 2_000 });

/** `count` distinct 10-concepto invoices dated inside the test CSD's validity, amounts from a non-repeating stream. */
function invoices(count) {
  const next = highBitsRandom(20261207);
  const out = [];
  for (let n = 0; n < count; n++) {
    const input = {
      version: '4.0',
      serie: 'S',
      folio: String(100000 + n),
      fecha: `2022-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}T12:00:00`,
      formaPago: '03',
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
      conceptos: Array.from({ length: 10 }, (_, i) => {
        const cents = 1000 + next(9_000_000);
        return {
          claveProdServ: '50202306',
          noIdentificacion: `SKU-${n}-${i}`,
          cantidad: String(1 + (i % 3)),
          claveUnidad: 'H87',
          descripcion: `Artículo ${n}-${i}`,
          valorUnitario: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
          objetoImp: '02',
          impuestos: { traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }] },
        };
      }),
    };
    const { comprobante, issues } = completeComprobante(input);
    if (issues.length > 0) throw new Error(JSON.stringify(issues));
    out.push(comprobante);
  }
  return out;
}

/** Operations per second of `fn(i)` over about `ms` milliseconds after a warm-up. */
function rate(fn, ms = 2000) {
  const warmUntil = performance.now() + 300;
  let i = 0;
  while (performance.now() < warmUntil) fn(i++);
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 20; k++) fn(i++);
    n += 20;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** Median wall ms of one spawned command per document, over `docs`. */
function perDocumentMs(docs, argvOf) {
  const times = [];
  for (const doc of docs) {
    const argv = argvOf(doc);
    const started = process.hrtime.bigint();
    const run = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (run.status !== 0) throw new Error(`${argv.join(' ')}: exit ${run.status} ${run.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function benchSeal({ count = 2_000, spawned = 20 } = {}) {
  const csd = loadCsd({
    cer: readFileSync(`${CSD}.cer`),
    key: readFileSync(`${CSD}.key`),
    password: readFileSync(`${CSD}.password`, 'utf8').trim(),
  });
  const docs = invoices(count);
  // Every sealed document verifies: the figures are of correct output.
  for (const c of docs.slice(0, 50)) {
    const issues = verifySello(renderSealed(c, csd));
    if (issues.length > 0) throw new Error(JSON.stringify(issues));
  }
  const cadenas = docs.map((c) =>
    Buffer.from(cadenaOriginal(comprobanteTree({ ...c, noCertificado: csd.noCertificado })), 'utf8'),
  );
  const signAlone = rate((i) => sign('sha256', cadenas[i % count], csd.privateKey));
  const cadenaAlone = rate((i) => cadenaOriginal(comprobanteTree(docs[i % count])));
  const sealed = rate((i) => renderSealed(docs[i % count], csd));

  const figures = {
    sealed: figure({
      label: 'seal: cadena original + RSA-SHA256 Sello + XML, 10-concepto invoices (non-repeating amounts)',
      value: sealed,
      unit: 'docs/s',
      baseline: { name: 'RSA-2048 sign alone (node:crypto, same cadenas)', value: signAlone },
      targets: [{ on: 'value', op: '>=', limit: TARGETS.sealedPerSecond }],
      detail: `cadena original alone (tree + cadena): ${Math.round(cadenaAlone).toLocaleString('en-US')} docs/s`,
    }),
  };

  const dir = mkdtempSync(join(tmpdir(), 'cfdi-bench-seal-'));
  try {
    if (!existsSync(join(KIT, 'cadena.sh'))) return figures;
    const files = docs.slice(0, spawned).map((c, i) => {
      const file = join(dir, `d${i}.xml`);
      writeFileSync(file, renderSealed(c, csd));
      return file;
    });
    const pem = join(dir, 'key.pem');
    const convert = spawnSync('openssl', [
      'pkcs8',
      '-inform',
      'DER',
      '-in',
      `${CSD}.key`,
      '-passin',
      `file:${CSD}.password`,
      '-out',
      pem,
    ]);
    if (convert.status !== 0) throw new Error(`openssl pkcs8: ${convert.stderr}`);
    const cadenaFiles = cadenas.slice(0, spawned).map((cadena, i) => {
      const out = join(dir, `c${i}.txt`);
      writeFileSync(out, cadena);
      return out;
    });
    const xsltMs = perDocumentMs(files, (file) => [join(KIT, 'cadena.sh'), file]);
    const opensslMs = perDocumentMs(cadenaFiles, (file) => [
      'openssl',
      'dgst',
      '-sha256',
      '-sign',
      pem,
      file,
    ]);
    const oursMs = 1000 / sealed;
    figures.perDocument = figure({
      label: `seal per document, ours in-process vs kit/cadena.sh + openssl dgst -sign spawned (median of ${spawned})`,
      value: oursMs,
      unit: 'ms/doc',
      baseline: { name: 'kit/cadena.sh + openssl dgst', value: xsltMs + opensslMs },
      detail: `kit/cadena.sh ${xsltMs.toFixed(1)} ms + openssl dgst ${opensslMs.toFixed(1)} ms per document`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
