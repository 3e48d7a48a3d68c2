/**
 * Everything the sandbox remembers, as plain JSON so `--state FILE` can persist it and tests can
 * assert on it (for example that every ticket or order is stored exactly once).
 */

/** A stamped CFDI kept by the sandbox (Tralix tickets and async, Facture timbrado). */
export interface StampedCfdi {
  readonly uuid: string;
  readonly idCfd: string;
  readonly xml: string;
  /** `YYYY-MM-DD HH:MM:SS.0`, as Tralix writes fechas (seed 000). */
  readonly fecha: string;
  readonly serie: string;
  readonly folio: string;
  readonly rfcEmisor: string;
  readonly rfcReceptor: string;
  readonly nombreReceptor: string;
  readonly subtotal: string;
  readonly iva: string;
  readonly total: string;
  readonly moneda: string;
  readonly idSucursal?: string | undefined;
  readonly noTicket?: string | undefined;
  /** Set once cancelled: the SAT code answered and when. */
  cancelacion?:
    | {
        /** Absent for a request with only what seed 003 documents (uuid and Sucursal). */
        readonly motivo?: string | undefined;
        readonly folioSustitucion?: string | undefined;
        readonly fecha: string;
      }
    | undefined;
}

/** A Tralix ticket (seed 000 body) and what happened to it. */
export interface TicketRecord {
  readonly numeroTicket: string;
  readonly sucursal: string;
  fecha: string;
  insumo: string;
  /** The `monto` exactly as the JSON body wrote it. */
  monto: string;
  /** How many PUTs stored it: a repeated PUT updates the same ticket. */
  puts: number;
  expired: boolean;
  /** UUID of the CFDI once self-invoiced (sandbox admin route). */
  uuid?: string | undefined;
}

/** A Tralix CFDI async request (seed 002). */
export interface AsyncRecord {
  readonly idPeticion: string;
  readonly idTipoCfd: string;
  readonly idSucursal: string;
  readonly archivoFuente: string;
  /** Status polls answered so far; the request completes after `asyncPolls` of them. */
  polls: number;
  /** Seed 002 400 texts (`"Error CFDI40108\n…"`) when generation failed. */
  errors?: string[] | undefined;
  uuid?: string | undefined;
}

/** An order of the autofacturación module (seed 001). */
export interface OrderRecord {
  readonly id: number;
  folio: string;
  importe: string;
  fecha: string;
  vencimiento: string;
  iva: string;
  formaDePago: string;
  ish: string;
  tag: string;
  objetoImpuesto: string;
  readonly creado: string;
  facturado: boolean;
  uuid: string;
}

/** A serie (seed 004). */
export interface SerieRecord {
  readonly SerieID: number;
  readonly SerieName: string;
  readonly SerieType: string;
  readonly SerieDescription: string;
  SerieStatus: 'Activa' | 'Inactiva';
  readonly folio: number;
}

/** One Factura.com v4 account (the sandbox serves one per white-label host). */
export interface Facturav4Account {
  /** Active orders by id. */
  orders: Record<string, OrderRecord>;
  nextOrderId: number;
  series: Record<string, SerieRecord>;
  nextSerieId: number;
}

/** A Facture branch (seed 003 `sucursales`: its ID is used to stamp). */
export interface SucursalRecord {
  readonly id: string;
  readonly nombre: string;
  readonly lugarExpedicion: string;
}

/** Everything the sandbox holds. */
export interface SandboxState {
  version: 1;
  tralix: {
    /** By `sucursal/numeroTicket`. */
    tickets: Record<string, TicketRecord>;
    async: Record<string, AsyncRecord>;
    cfdis: Record<string, StampedCfdi>;
  };
  facturav4: Record<string, Facturav4Account>;
  facture: {
    /** The account's display name and credits (seed 003: "nombres, usuario y cantidad de créditos"). */
    usuario: { nombre: string; creditos: number };
    sucursales: SucursalRecord[];
    cfdis: Record<string, StampedCfdi>;
    /** Stamped UUIDs of each masivo, by its id (for the download link). */
    masivos: Record<string, string[]>;
  };
  stats: { requests: number; faults: Record<string, number> };
}

function account(): Facturav4Account {
  // Seed 004's example series, so `series list` answers like the documentation.
  const series: Record<string, SerieRecord> = {};
  for (const [id, name, type, description] of [
    [19843, 'R', 'factura', 'Factura'],
    [18379, 'COP', 'pago', 'Complemento Pago'],
    [17813, 'NDB', 'nota_debito', 'Nota de Débito'],
    [17327, 'RT', 'retencion', 'Retención'],
  ] as const) {
    series[String(id)] = {
      SerieID: id,
      SerieName: name,
      SerieType: type,
      SerieDescription: description,
      SerieStatus: 'Activa',
      folio: 1,
    };
  }
  return { orders: {}, nextOrderId: 2958927, series, nextSerieId: 19844 };
}

/** The Factura.com v4 hosts the sandbox serves, each its own account. */
export const FACTURAV4_HOSTS = ['facturamval', 'facturaonline'] as const;

/** A fresh sandbox state: no tickets or orders, seed 004's series, one Facture branch. */
export function emptyState(): SandboxState {
  return {
    version: 1,
    tralix: { tickets: {}, async: {}, cfdis: {} },
    facturav4: Object.fromEntries(FACTURAV4_HOSTS.map((h) => [h, account()])),
    facture: {
      usuario: { nombre: 'Usuario Sandbox cfdi-layout', creditos: 1000 },
      sucursales: [{ id: '1', nombre: 'Matriz (sandbox)', lugarExpedicion: '06000' }],
      cfdis: {},
      masivos: {},
    },
    stats: { requests: 0, faults: {} },
  };
}
