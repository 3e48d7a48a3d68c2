import {
  type CompiledLayout,
  compileLayout,
  type LayoutDefinition,
  layoutRenderer,
} from '../layouts/index.js';
import type { Comprobante } from '../model/comprobante.js';
import type { SalesConfig } from '../sales/config.js';
import type { RowIssue } from '../sales/rejects.js';
import type { Ticket } from '../sales/ticket.js';
import { issuesToRowIssues } from './build-item.js';

/** The variant a layout declares for a ticket's insumo (the invoice without its receptor). */
export const TICKET_VARIANT = 'ticket';

/** Renders comprobantes in one layout with the config's header values (connector, environment, version). */
export interface LayoutWriter {
  readonly layout: CompiledLayout;
  /** Renders a comprobante; `ticket` uses the layout's ticket variant when it declares one. */
  render(
    comprobante: Comprobante,
    ticket: Ticket | undefined,
    purpose: 'invoice' | 'insumo',
  ): { text?: string; issues: RowIssue[] };
}

/**
 * Prepares a layout for a batch: compiled once, with the Tralix header values of the config passed
 * only as parameters the layout declares (a user's own layout may have none).
 */
export function layoutWriter(layout: LayoutDefinition | CompiledLayout, config: SalesConfig): LayoutWriter {
  const compiled = compileLayout(layout);
  const given: Record<string, string> = {
    connector: config.tralix.connector,
    environment: config.tralix.environment,
    version: config.tralix.version,
  };
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(given))
    if (compiled.parameterDefaults.has(name)) parameters[name] = value;
  const invoice = layoutRenderer(compiled, { parameters });
  const insumo = compiled.variants.has(TICKET_VARIANT)
    ? layoutRenderer(compiled, { parameters, variant: TICKET_VARIANT })
    : invoice;
  return {
    layout: compiled,
    render(comprobante, ticket, purpose) {
      const rendered = (purpose === 'insumo' ? insumo : invoice)(comprobante);
      const errors = rendered.issues.filter((i) => i.severity === 'error');
      if (errors.length > 0 || rendered.text === '') {
        return {
          issues:
            ticket === undefined
              ? errors.map((i) => ({ field: i.path.join('.'), code: i.code, message: i.message }))
              : issuesToRowIssues(errors, ticket),
        };
      }
      return { text: rendered.text, issues: [] };
    },
  };
}
