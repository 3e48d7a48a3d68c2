import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { XMLParser } from 'fast-xml-parser';
import type { DoctoRelacionadoFacts, ImpuestoFact, Pagos, PagosFacts } from '../../src/pagos/index.js';

const ARRAYS = new Set(['Pago', 'DoctoRelacionado', 'RetencionDR', 'TrasladoDR', 'RetencionP', 'TrasladoP']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  removeNSPrefix: true,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;
const lower = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** The attributes of an element, names lowered as the model names them (`BaseDR` → `baseDR`). */
function attributes(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(node)) if (typeof v === 'string') out[lower(k)] = v;
  return out;
}

function list(node: unknown, container: string, item: string): Node[] | undefined {
  const c = (node as Node | undefined)?.[container] as Node | undefined;
  const items = c?.[item] as Node[] | undefined;
  return items === undefined ? undefined : items;
}

/** The pago20:Pagos node of a CFDI file mapped to the model (shape only; the XML's text kept as written). */
export function readPagos(file: string): Pagos | undefined {
  const doc = parser.parse(readFileSync(file, 'utf8')) as Node;
  const complemento = (doc['Comprobante'] as Node | undefined)?.['Complemento'] as Node | undefined;
  const node = complemento?.['Pagos'] as Node | undefined;
  if (node === undefined || node['Version'] !== '2.0') return undefined;
  const pagos = ((node['Pago'] as Node[]) ?? []).map((p) => {
    const doctos = ((p['DoctoRelacionado'] as Node[]) ?? []).map((d) => {
      const imp = d['ImpuestosDR'] as Node | undefined;
      const ret = list(imp, 'RetencionesDR', 'RetencionDR')?.map(attributes);
      const tras = list(imp, 'TrasladosDR', 'TrasladoDR')?.map(attributes);
      return {
        ...attributes(d),
        ...(imp === undefined
          ? {}
          : {
              impuestosDR: { ...(ret ? { retencionesDR: ret } : {}), ...(tras ? { trasladosDR: tras } : {}) },
            }),
      };
    });
    const imp = p['ImpuestosP'] as Node | undefined;
    const ret = list(imp, 'RetencionesP', 'RetencionP')?.map(attributes);
    const tras = list(imp, 'TrasladosP', 'TrasladoP')?.map(attributes);
    return {
      ...attributes(p),
      doctoRelacionado: doctos,
      ...(imp === undefined
        ? {}
        : { impuestosP: { ...(ret ? { retencionesP: ret } : {}), ...(tras ? { trasladosP: tras } : {}) } }),
    };
  });
  return { version: '2.0', totales: attributes(node['Totales'] as Node), pago: pagos } as unknown as Pagos;
}

/**
 * The facts a user knew when writing the sample: everything but the computed amounts. A DR whose
 * taxes share one BaseDR states only its rates (the Guía's proration recomputes the base); a DR
 * with different bases per tax (a mixed-rate invoice) states its bases, and so does every DR when
 * `stateBases` is set (a sample that prorated its bases from the invoice).
 */
export function factsOf(pagos: Pagos, stateBases = false): PagosFacts {
  return {
    pago: pagos.pago.map(({ impuestosP: _p, doctoRelacionado, ...p }) => ({
      ...p,
      doctoRelacionado: doctoRelacionado.map(
        ({ impSaldoInsoluto: _s, impuestosDR, ...d }): DoctoRelacionadoFacts => {
          const tras = impuestosDR?.trasladosDR ?? [];
          const ret = impuestosDR?.retencionesDR ?? [];
          const bases = new Set([...tras, ...ret].map((t) => new Decimal(t.baseDR).toFixed()));
          const stateBase = stateBases || bases.size > 1;
          const fact = (t: {
            impuestoDR: string;
            tipoFactorDR: string;
            tasaOCuotaDR?: string | undefined;
            baseDR: string;
          }): ImpuestoFact => ({
            impuesto: t.impuestoDR,
            tipoFactor: t.tipoFactorDR,
            ...(t.tasaOCuotaDR === undefined ? {} : { tasaOCuota: t.tasaOCuotaDR }),
            ...(stateBase ? { baseDR: t.baseDR } : {}),
          });
          return {
            ...d,
            ...(tras.length > 0 ? { traslados: tras.map(fact) } : {}),
            ...(ret.length > 0 ? { retenciones: ret.map(fact) } : {}),
          };
        },
      ),
    })),
  };
}

/** The decimals the sample wrote its BaseDR with (the computation's `drDecimals`), or undefined. */
export function baseDecimalsOf(pagos: Pagos): number | undefined {
  let decimals: number | undefined;
  for (const p of pagos.pago)
    for (const d of p.doctoRelacionado)
      for (const t of [...(d.impuestosDR?.trasladosDR ?? []), ...(d.impuestosDR?.retencionesDR ?? [])]) {
        const n = t.baseDR.split('.')[1]?.length ?? 0;
        decimals = Math.max(decimals ?? 0, n);
      }
  return decimals === undefined ? undefined : Math.min(decimals, 6);
}
