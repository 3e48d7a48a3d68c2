import { z } from 'zod';
import { DoctoRelacionadoSchema, PagoSchema } from '../model/pagos.js';

/*
 * What a user knows about the payments, before anything is computed: per payment its date, form,
 * currency, exchange rate and amount; per related invoice its UUID, currency, equivalence, installment
 * number, previous balance, the amount paid and the invoice's tax rates. Everything else of the
 * complement (ImpSaldoInsoluto, ImpuestosDR, ImpuestosP, Totales) is computed by ./compute.ts. Field
 * names are the complement's where the complement has the field, so an issue path into the facts
 * (`pago.1.doctoRelacionado.0.impPagado`) names the same attribute in the complement.
 */

const Text = z.string();
const Amount = z.string();

/**
 * One tax of the related invoice. `tasaOCuota` is the SAT fraction (`0.160000`, `0.16`), absent for
 * Exento. `baseDR` is given only when the invoice's taxes do not share one base (a mixed-rate invoice):
 * then the user states each prorated base, and only ImporteDR is computed from it.
 */
export const ImpuestoFactSchema = z.strictObject({
  impuesto: Text,
  tipoFactor: Text,
  tasaOCuota: Text.optional(),
  baseDR: Amount.optional(),
});

/**
 * The facts of one pago20:DoctoRelacionado: the complement's attributes less what is computed
 * (ImpSaldoInsoluto, ImpuestosDR), plus the invoice's taxes.
 */
export const DoctoRelacionadoFactsSchema = DoctoRelacionadoSchema.omit({
  impSaldoInsoluto: true,
  impuestosDR: true,
}).extend({
  traslados: z.array(ImpuestoFactSchema).optional(),
  retenciones: z.array(ImpuestoFactSchema).optional(),
});

/**
 * The facts of one pago20:Pago: its attributes as the complement has them (the bank and
 * payment-chain ones passed through), its related documents' facts, no ImpuestosP (computed).
 */
export const PagoFactsSchema = PagoSchema.omit({ doctoRelacionado: true, impuestosP: true }).extend({
  doctoRelacionado: z.array(DoctoRelacionadoFactsSchema).min(1),
});

/** The facts of a whole complement: its payments. */
export const PagosFactsSchema = z.strictObject({ pago: z.array(PagoFactsSchema).min(1) });

/** One tax of a related invoice, as the user knows it. */
export type ImpuestoFact = z.infer<typeof ImpuestoFactSchema>;
/** The facts of one related document. */
export type DoctoRelacionadoFacts = z.infer<typeof DoctoRelacionadoFactsSchema>;
/** The facts of one payment. */
export type PagoFacts = z.infer<typeof PagoFactsSchema>;
/** The facts of a complement. */
export type PagosFacts = z.infer<typeof PagosFactsSchema>;
