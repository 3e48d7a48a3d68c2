import { PAISES, REGIMENES_FISCALES, USOS_CFDI } from '../catalogs/index.js';
import { error, type Issue } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import { type Persona, personaOf } from '../rfc/rfc.js';
import { hasComercioExterior } from './comprobante.js';
import type { RuleContext, RuleDescription } from './context.js';

/*
 * SAT rules on cfdi:Emisor and cfdi:Receptor (matriz de errores CFDI40138–CFDI40161). The RFC itself
 * (t_RFC pattern, real date, check digit) is checked by src/rfc through the XSD layer, and catalog
 * membership (CFDI40140, 40150, 40157, 40160) and FacAtrAdquirente's pattern (CFDI40142) are facets
 * reported with their SAT codes. The persona type comes from the RFC's length: 12 characters for a
 * persona moral, 13 for a persona física (rules doc F.1).
 *
 * Not implemented, because they need SAT's lists of registered taxpayers (l_RFC) that only a PAC
 * consults: CFDI40138, 40139 (Emisor Nombre/Rfc registered and matching), 40143, 40144, 40145
 * (Receptor Rfc/Nombre registered and matching), 40147, 40148 (DomicilioFiscalReceptor registered
 * for the receptor's RFC).
 */

/** The emisor/receptor rules' codes with what each checks. */
export const EMISOR_RECEPTOR_RULE_CODES: readonly RuleDescription[] = [
  {
    code: 'CFDI40141',
    description:
      "Emisor RegimenFiscal does not apply to the emisor's persona type (física: 13-character RFC, moral: 12).",
  },
  {
    code: 'CFDI40146',
    description:
      'Receptor Nombre PUBLICO EN GENERAL needs Rfc XAXX010101000, and XAXX010101000 with PUBLICO EN GENERAL needs InformacionGlobal.',
  },
  {
    code: 'CFDI40149',
    description:
      'Generic Receptor Rfc (XAXX010101000, XEXX010101000): DomicilioFiscalReceptor must equal LugarExpedicion.',
  },
  { code: 'CFDI40151', description: 'Receptor ResidenciaFiscal must not exist unless Rfc is XEXX010101000.' },
  { code: 'CFDI40152', description: 'Receptor ResidenciaFiscal must not be MEX.' },
  { code: 'CFDI40153', description: 'Receptor NumRegIdTrib requires ResidenciaFiscal.' },
  { code: 'CFDI40154', description: 'Receptor NumRegIdTrib must not exist unless Rfc is XEXX010101000.' },
  {
    code: 'CFDI40155',
    description: 'Receptor Rfc XEXX010101000 with the Comercio Exterior complement requires NumRegIdTrib.',
  },
  {
    code: 'CFDI40156',
    description: "Receptor NumRegIdTrib does not match the ResidenciaFiscal country's pattern in c_Pais.",
  },
  {
    code: 'CFDI40158',
    description: "Receptor RegimenFiscalReceptor does not apply to the receptor's persona type.",
  },
  {
    code: 'CFDI40159',
    description: 'Generic Receptor Rfc (XAXX010101000, XEXX010101000): RegimenFiscalReceptor must be 616.',
  },
  {
    code: 'CFDI40161',
    description:
      "Receptor UsoCFDI does not apply to the receptor's persona type or to its RegimenFiscalReceptor.",
  },
];

/** Rfc of the público en general (RMF 2.7.1.23). */
export const RFC_PUBLICO_EN_GENERAL = 'XAXX010101000';
/** Rfc of a foreign receptor without a Mexican RFC. */
export const RFC_EXTRANJERO = 'XEXX010101000';
/** Receptor Nombre of a factura global, as SAT writes it (no accent). */
export const NOMBRE_PUBLICO_EN_GENERAL = 'PUBLICO EN GENERAL';
/** The RegimenFiscalReceptor of a generic RFC: Sin obligaciones fiscales (CFDI40159). */
const REGIMEN_SIN_OBLIGACIONES = '616';

const PERSONA_TEXT: Readonly<Record<Persona, string>> = { fisica: 'persona física', moral: 'persona moral' };

function regimenAppliesTo(code: string, persona: Persona): boolean | undefined {
  const entry = Object.hasOwn(REGIMENES_FISCALES, code) ? REGIMENES_FISCALES[code] : undefined;
  return entry === undefined ? undefined : entry[persona];
}

/** The c_Pais pattern of a country's NumRegIdTrib as an anchored regex, or `undefined` if there is none. */
function regIdTribPattern(pais: string): RegExp | undefined {
  const source = Object.hasOwn(PAISES, pais) ? PAISES[pais]?.patronRegIdTrib : undefined;
  if (source === undefined) return undefined;
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch {
    // A catalog pattern JavaScript cannot read is not the document's fault; nothing is reported.
    return undefined;
  }
}

function checkEmisor(c: Comprobante, issues: Issue[]): void {
  const { emisor } = c;
  const persona = personaOf(emisor.rfc);
  if (persona !== undefined && regimenAppliesTo(emisor.regimenFiscal, persona) === false) {
    issues.push(
      error(
        'CFDI40141',
        ['emisor', 'regimenFiscal'],
        `Emisor RegimenFiscal ${emisor.regimenFiscal} does not apply to a ${PERSONA_TEXT[persona]} (Rfc ${emisor.rfc})`,
      ),
    );
  }
}

function checkPublicoEnGeneral(c: Comprobante, issues: Issue[]): void {
  const { receptor } = c;
  if (receptor.nombre === NOMBRE_PUBLICO_EN_GENERAL && receptor.rfc !== RFC_PUBLICO_EN_GENERAL) {
    issues.push(
      error(
        'CFDI40146',
        ['receptor', 'rfc'],
        `Receptor Rfc ${receptor.rfc} must be ${RFC_PUBLICO_EN_GENERAL} when Receptor Nombre is ${NOMBRE_PUBLICO_EN_GENERAL}`,
      ),
    );
  }
  // A sale to the público en general is a factura global, which InformacionGlobal describes (rules doc
  // F.4); XAXX010101000 with the customer's own name is an ordinary nominative invoice.
  if (
    receptor.rfc === RFC_PUBLICO_EN_GENERAL &&
    receptor.nombre === NOMBRE_PUBLICO_EN_GENERAL &&
    c.informacionGlobal === undefined
  ) {
    issues.push(
      error(
        'CFDI40146',
        ['informacionGlobal'],
        `InformacionGlobal is required when Receptor is ${RFC_PUBLICO_EN_GENERAL} ${NOMBRE_PUBLICO_EN_GENERAL}`,
      ),
    );
  }
}

function checkExtranjero(c: Comprobante, issues: Issue[]): void {
  const { receptor } = c;
  const { residenciaFiscal, numRegIdTrib } = receptor;
  const extranjero = receptor.rfc === RFC_EXTRANJERO;
  if (residenciaFiscal !== undefined) {
    if (!extranjero) {
      issues.push(
        error(
          'CFDI40151',
          ['receptor', 'residenciaFiscal'],
          `Receptor ResidenciaFiscal ${residenciaFiscal} must not exist when Receptor Rfc is ${receptor.rfc}, not ${RFC_EXTRANJERO}`,
        ),
      );
    }
    if (residenciaFiscal === 'MEX') {
      issues.push(
        error('CFDI40152', ['receptor', 'residenciaFiscal'], 'Receptor ResidenciaFiscal must not be MEX'),
      );
    }
  }
  if (numRegIdTrib !== undefined) {
    if (residenciaFiscal === undefined) {
      issues.push(
        error(
          'CFDI40153',
          ['receptor', 'residenciaFiscal'],
          `Receptor ResidenciaFiscal is required when NumRegIdTrib (${numRegIdTrib}) exists`,
        ),
      );
    }
    if (!extranjero) {
      issues.push(
        error(
          'CFDI40154',
          ['receptor', 'numRegIdTrib'],
          `Receptor NumRegIdTrib ${numRegIdTrib} must not exist when Receptor Rfc is ${receptor.rfc}, not ${RFC_EXTRANJERO}`,
        ),
      );
    }
    const country = residenciaFiscal === undefined ? undefined : regIdTribPattern(residenciaFiscal);
    // MEX is never a valid ResidenciaFiscal (CFDI40152), so its pattern is not applied on top.
    if (country !== undefined && residenciaFiscal !== 'MEX' && !country.test(numRegIdTrib)) {
      issues.push(
        error(
          'CFDI40156',
          ['receptor', 'numRegIdTrib'],
          `Receptor NumRegIdTrib ${numRegIdTrib} does not match the pattern c_Pais gives for ${residenciaFiscal} (${PAISES[residenciaFiscal ?? '']?.patronRegIdTrib})`,
        ),
      );
    }
  } else if (extranjero && hasComercioExterior(c)) {
    issues.push(
      error(
        'CFDI40155',
        ['receptor', 'numRegIdTrib'],
        `Receptor NumRegIdTrib is required when Receptor Rfc is ${RFC_EXTRANJERO} and the Comercio Exterior complement exists`,
      ),
    );
  }
}

function checkRegimenYUso(c: Comprobante, issues: Issue[]): void {
  const { receptor } = c;
  const persona = personaOf(receptor.rfc);
  const generic = receptor.rfc === RFC_PUBLICO_EN_GENERAL || receptor.rfc === RFC_EXTRANJERO;
  if (generic && receptor.domicilioFiscalReceptor !== c.lugarExpedicion) {
    issues.push(
      error(
        'CFDI40149',
        ['receptor', 'domicilioFiscalReceptor'],
        `Receptor DomicilioFiscalReceptor ${receptor.domicilioFiscalReceptor} must equal LugarExpedicion ${c.lugarExpedicion} when Receptor Rfc is ${receptor.rfc}`,
      ),
    );
  }
  if (generic && receptor.regimenFiscalReceptor !== REGIMEN_SIN_OBLIGACIONES) {
    issues.push(
      error(
        'CFDI40159',
        ['receptor', 'regimenFiscalReceptor'],
        `Receptor RegimenFiscalReceptor ${receptor.regimenFiscalReceptor} must be ${REGIMEN_SIN_OBLIGACIONES} when Receptor Rfc is ${receptor.rfc}`,
      ),
    );
  } else if (persona !== undefined && regimenAppliesTo(receptor.regimenFiscalReceptor, persona) === false) {
    issues.push(
      error(
        'CFDI40158',
        ['receptor', 'regimenFiscalReceptor'],
        `Receptor RegimenFiscalReceptor ${receptor.regimenFiscalReceptor} does not apply to a ${PERSONA_TEXT[persona]} (Rfc ${receptor.rfc})`,
      ),
    );
  }
  const uso = Object.hasOwn(USOS_CFDI, receptor.usoCFDI) ? USOS_CFDI[receptor.usoCFDI] : undefined;
  // An unknown UsoCFDI is CFDI40160's finding (facets); there is nothing to compare it with.
  if (uso === undefined) return;
  if (persona !== undefined && !uso[persona]) {
    issues.push(
      error(
        'CFDI40161',
        ['receptor', 'usoCFDI'],
        `Receptor UsoCFDI ${receptor.usoCFDI} does not apply to a ${PERSONA_TEXT[persona]} (Rfc ${receptor.rfc})`,
      ),
    );
  } else if (
    Object.hasOwn(REGIMENES_FISCALES, receptor.regimenFiscalReceptor) &&
    !uso.regimenesReceptor.includes(receptor.regimenFiscalReceptor)
  ) {
    issues.push(
      error(
        'CFDI40161',
        ['receptor', 'usoCFDI'],
        `Receptor UsoCFDI ${receptor.usoCFDI} is not allowed with RegimenFiscalReceptor ${receptor.regimenFiscalReceptor} (c_UsoCFDI allows ${uso.regimenesReceptor.join(', ')})`,
      ),
    );
  }
}

/**
 * Checks the SAT rules on the emisor and the receptor: régimen and UsoCFDI against the persona type,
 * the generic RFCs (público en general, extranjero) and the foreign-resident attributes.
 */
export function checkEmisorReceptor(c: Comprobante, _ctx: RuleContext): Issue[] {
  const issues: Issue[] = [];
  checkEmisor(c, issues);
  checkPublicoEnGeneral(c, issues);
  checkRegimenYUso(c, issues);
  checkExtranjero(c, issues);
  return issues;
}
