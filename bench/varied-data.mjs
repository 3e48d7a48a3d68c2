// A sales export that does not flatter: every line a different importe, 2–3 lines per ticket (or
// any range), IVA 16 on every line and ISH 3 % on the lodging lines of some tickets, products with
// their own ClaveProdServ, ClaveUnidad, SKU and descriptions (accents, commas and quotes that need
// CSV quoting, `&` that needs XML escaping), and kilo quantities with 3 decimals. The repeating-menu
// export of bench/build.mjs lets the concept cache hit on nearly every line; this one misses on
// every line, as a supermarket's or a distributor's export does.
//
// Deterministic: the same options write the same bytes. Used by bench/varied.mjs at bench time and
// by test/bench/varied-data.test.ts; `node bench/varied-data.mjs --lines N [--nominative]
// [--per-ticket 2-3] OUT.csv` writes one and prints its counts as JSON.
import { createWriteStream } from 'node:fs';

/** The columns, in the order written (canonical names: no column mapping needed in the config). */
export const VARIED_HEADER = [
  'ticket',
  'sucursal',
  'fecha',
  'importe',
  'iva',
  'ish',
  'formaPago',
  'descripcion',
  'cantidad',
  'claveProdServ',
  'claveUnidad',
  'noIdentificacion',
  'receptorRfc',
  'receptorNombre',
  'receptorDomicilioFiscal',
  'receptorRegimenFiscal',
  'usoCFDI',
];

// Product families: ClaveProdServ, ClaveUnidad, and names (some need CSV quoting or XML escaping).
const FAMILIES = [
  ['50202306', 'H87', ['Refresco de cola 600 ml', 'Agua mineral 1.5 l', 'Jugo de naranja 1 l']],
  ['50181900', 'H87', ['Pan dulce', 'Galletas, surtido familiar', 'Bolillo']],
  ['50131700', 'KGM', ['Queso añejo', 'Crema ácida', 'Queso "Oaxaca"']],
  ['47131800', 'H87', ['Jabón líquido & suavizante', 'Cloro 950 ml', 'Limpiador multiusos']],
  ['53131600', 'H87', ['Champú 400 ml', 'Pasta dental, 2 piezas', 'Desodorante']],
  ['50192100', 'H87', ['Cacahuate japonés', 'Papas fritas 45 g', 'Palomitas de maíz']],
  ['50112000', 'KGM', ['Bistec de res', 'Pechuga de pollo', 'Chuleta ahumada']],
];
const LODGING = ['90111500', 'E48', 'Hospedaje habitación'];
const FORMAS_PAGO = ['01', '04', '28', '03'];
const RECEPTORES = [
  ['XIA190128J61', 'XENON INDUSTRIAL ARTICLES', '76343', '601'],
  ['URE180429TM6', 'UNIVERSIDAD ROBOTICA ESPAÑOLA', '86991', '601'],
  ['CACX7605101P8', 'XOCHILT CASAS CHAVEZ', '36257', '612'],
];
const SKUS = 50_000;
/** One ticket in LODGING_EVERY opens with a lodging line (ISH 3 %). */
const LODGING_EVERY = 12;

function isPrime(n) {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/**
 * The importe of line `i` (0-based), in cents, for an export of at most `capacity` lines: distinct
 * for every i < capacity. i → (i·A + 7919) mod M is a permutation of [0, M) for a prime M ≥ capacity
 * and 0 < A < M; each value owns a block of `spread` cents, so a jitter below `spread` keeps them
 * distinct while the amounts cover 1.00 to about 5,000.00 (more for exports over 500,000 lines).
 */
export function importePlan(capacity) {
  let modulus = Math.max(capacity, 1_000);
  while (!isPrime(modulus)) modulus++;
  const multiplier = Math.max(1, Math.floor(modulus * 0.6180339887));
  const spread = Math.max(1, Math.floor(500_000 / modulus));
  return {
    modulus,
    spread,
    cents: (i, jitter) => 100 + ((i * multiplier + 7919) % modulus) * spread + (jitter % spread),
  };
}

/**
 * A 32-bit LCG (Numerical Recipes constants, exact with Math.imul) read from its high bits: the low
 * bits of a power-of-two LCG cycle with short periods (bit 0 alternates), so `state % n` for small n
 * repeats patterns; scaling the whole state to [0, n) uses the good bits.
 */
export function highBitsRandom(seed = 20261206) {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 4294967296) * n);
  };
}

function money(cents) {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function csvField(text) {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Yields the export's lines (header first, each ending in a newline). Stops after `lines` lines or
 * `tickets` tickets, whichever comes first (give at least one). `perTicket` is the [min, max] lines
 * of a ticket; `nominative` fills the receptor columns (invoices) instead of leaving them empty
 * (tickets for self-invoicing and the factura global). Counts what it yields into `stats`.
 */
export function* variedSalesLines(
  { lines, tickets, nominative = false, perTicket = [2, 3], seed } = {},
  stats = { lines: 0, tickets: 0, lodgingLines: 0 },
) {
  if (lines === undefined && tickets === undefined) throw new Error('give lines or tickets');
  const [minLines, maxLines] = perTicket;
  const capacity = lines ?? tickets * maxLines;
  const plan = importePlan(capacity);
  const rand = highBitsRandom(seed);
  yield `${VARIED_HEADER.join(',')}\n`;
  let line = 0;
  for (let t = 1; (lines === undefined || line < lines) && (tickets === undefined || t <= tickets); t++) {
    const sucursal = `S${String(t % 20).padStart(2, '0')}`;
    const day = 1 + (Math.floor(t / 5000) % 28);
    const second = (t * 37) % 50_400;
    const fecha = `2026-11-${String(day).padStart(2, '0')}T${String(8 + Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
    const formaPago = FORMAS_PAGO[rand(FORMAS_PAGO.length)];
    const receptor = nominative ? [...RECEPTORES[rand(RECEPTORES.length)], 'G03'] : ['', '', '', '', ''];
    const count = minLines + rand(maxLines - minLines + 1);
    stats.tickets++;
    for (let l = 0; l < count && (lines === undefined || line < lines); l++) {
      const importe = money(plan.cents(line, rand(plan.spread)));
      line++;
      stats.lines++;
      let fields;
      if (l === 0 && t % LODGING_EVERY === 0) {
        const room = 100 + rand(400);
        const nights = String(1 + rand(3));
        const [clave, unidad, name] = LODGING;
        fields = [importe, '16', '3', formaPago, `${name} ${room}`, nights, clave, unidad, `HAB-${room}`];
        stats.lodgingLines++;
      } else {
        const family = FAMILIES[rand(FAMILIES.length)];
        const sku = rand(SKUS);
        const name = family[2][sku % family[2].length];
        const cantidad = family[1] === 'KGM' ? (0.25 + rand(2750) / 1000).toFixed(3) : String(1 + rand(4));
        fields = [
          importe,
          '16',
          '0',
          formaPago,
          `${name} ${sku}`,
          cantidad,
          family[0],
          family[1],
          `SKU-${sku}`,
        ];
      }
      yield `${[`T${t}`, sucursal, fecha, ...fields, ...receptor].map(csvField).join(',')}\n`;
    }
  }
}

/** Writes {@link variedSalesLines} to `path`; returns the counts of lines, tickets and lodging lines. */
export async function writeVariedSales(path, options) {
  const out = createWriteStream(path);
  const stats = { lines: 0, tickets: 0, lodgingLines: 0 };
  let buffer = '';
  for (const text of variedSalesLines(options, stats)) {
    buffer += text;
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await new Promise((r) => out.once('drain', r));
      buffer = '';
    }
  }
  await new Promise((resolve, reject) => {
    out.once('error', reject);
    out.end(buffer, resolve);
  });
  return stats;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const value = (flag) => {
    const at = args.indexOf(flag);
    return at === -1 ? undefined : args.splice(at, 2)[1];
  };
  const linesArg = value('--lines');
  const ticketsArg = value('--tickets');
  const perTicketArg = value('--per-ticket');
  const nominative = args.includes('--nominative');
  const out = args.filter((a) => a !== '--nominative')[0];
  if (out === undefined || (linesArg === undefined && ticketsArg === undefined)) {
    console.error(
      'usage: node bench/varied-data.mjs (--lines N | --tickets N) [--nominative] [--per-ticket MIN-MAX] OUT.csv',
    );
    process.exit(2);
  }
  const counts = await writeVariedSales(out, {
    ...(linesArg === undefined ? {} : { lines: Number(linesArg) }),
    ...(ticketsArg === undefined ? {} : { tickets: Number(ticketsArg) }),
    ...(perTicketArg === undefined ? {} : { perTicket: perTicketArg.split('-').map(Number) }),
    nominative,
  });
  console.log(JSON.stringify(counts));
}
