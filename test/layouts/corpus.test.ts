import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUTS, parseLayout, renderLayout } from '../../src/layouts/index.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { renderComprobante } from '../../src/xml/render.js';
import { cadena, cadenaOfFile, corpusFiles, kitAvailable, kitMissingReason } from '../helpers/kit.js';

const tralix40 = LAYOUTS['tralix-40'];

/**
 * Corpus documents tralix-40 refuses, and the content that makes it refuse them: complements other
 * than implocal and Pagos 2.0 (the timbre is omitted with a warning) and addenda. Every other
 * document, of any type (every REP included), goes XML → layout → XML with the same cadena original.
 */
const REFUSED: Readonly<Record<string, string>> = {
  'gobl__addenda-mabe-full.xml': 'addenda',
  'gobl__food-vouchers.xml': 'valesdedespensa:ValesDeDespensa',
  'gobl__fuel-account-balance.xml': 'ecc12:EstadoDeCuentaCombustible',
  'misaelma__vehiculo_usado.xml': 'vehiculousado:VehiculoUsado',
  'pycfditransform__cfdi40_concepts_with_taxes_01.xml': 'ine:INE',
  'pycfditransform__nomina12_40.xml': 'nomina12:Nomina',
  'satcfdi__cfdv40-cartaporte20.xml': 'cartaporte20:CartaPorte',
  'satcfdi__cfdv40-cce11.xml': 'cce11:ComercioExterior',
  'satcfdi__cfdv40-donat11.xml': 'donat:Donatarias',
  'satcfdi__cfdv40-leyendasfisc.xml': 'leyendasFisc:LeyendasFiscales',
  'satcfdi__cfdv40-nomina12.xml': 'nomina12:Nomina',
  'satcfdi__invoice_nomina.xml': 'nomina12:Nomina',
  'swsdkjava__CFDI40_ComercioExterior_DiferentesMonedas.xml': 'cce11:ComercioExterior',
  'swsdkjava__CFDI40_INE.xml': 'ine:INE',
  'swsdkjava__CFDI40_Ingreso_CartaPorte_TransporteAereo.xml': 'cartaporte20:CartaPorte',
  'swsdkjava__CFDI40_Nomina_SeparacionIndemnizacion.xml': 'nomina12:Nomina',
  'swsdkjava__CFDI40_Traslado_CartaPorte_TransporteAereo.xml': 'cartaporte20:CartaPorte',
  'swsdkjava__ComercioExterior_Timbrado.xml': 'cce11:ComercioExterior',
  'swsdkjava__Nomina12_Timbrado.xml': 'nomina12:Nomina',
};

describe.skipIf(!kitAvailable)(
  `tralix-40 corpus round trip${kitMissingReason === undefined ? '' : ` (skipped: ${kitMissingReason})`}`,
  () => {
    const files = kitAvailable ? corpusFiles() : [];

    it('covers the corpus, with I and E documents on both sides', () => {
      expect(files.length).toBeGreaterThanOrEqual(77);
      const tipos = files.map((f) => parseComprobante(readFileSync(f)).tipoDeComprobante);
      expect(tipos.filter((t) => t === 'I').length).toBeGreaterThan(40);
      expect(tipos.filter((t) => t === 'E').length).toBeGreaterThanOrEqual(2);
    });

    it.each(files.map((f) => [basename(f), f] as const))('%s', (name, file) => {
      const original = parseComprobante(readFileSync(file));
      const rendered = renderLayout(tralix40, original);
      const errors = rendered.issues.filter((i) => i.severity === 'error');
      const refusedFor = REFUSED[name];
      if (refusedFor !== undefined) {
        // Refused with a coded issue naming what cannot be carried, never dropped: no text at all.
        expect(rendered.text).toBe('');
        expect(errors.length).toBeGreaterThan(0);
        expect(errors.every((i) => i.code === 'LAYOUT_UNSUPPORTED_CONTENT')).toBe(true);
        expect(errors.map((i) => i.message).join('\n')).toContain(refusedFor);
        return;
      }
      expect(errors).toEqual([]);
      // Only declared omissions remain, as warnings: sello, certificado, the timbre.
      for (const warning of rendered.issues) {
        expect(warning.code).toBe('LAYOUT_VALUE_OMITTED');
        expect(['sello', 'certificado', 'complemento']).toContain(warning.path[0]);
      }
      const parsed = parseLayout(tralix40, rendered.text);
      expect(parsed.issues).toEqual([]);
      expect(parsed.comprobante).toBeDefined();
      if (parsed.comprobante === undefined) return;
      expect(cadena(renderComprobante(parsed.comprobante))).toBe(cadenaOfFile(file));
    });
  },
);
