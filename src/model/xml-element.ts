import { z } from 'zod';

/**
 * An XML element the model does not interpret (an unknown complement, a ComplementoConcepto, an
 * Addenda, the TimbreFiscalDigital), carried verbatim so that nothing is dropped: its qualified
 * name as written (`pago20:Pagos`), its namespace URI, its attributes in document order (qualified
 * names, namespace declarations excluded) and its children, where a string is a text node.
 */
export interface XmlElement {
  name: string;
  namespace?: string | undefined;
  attributes?: Record<string, string> | undefined;
  children?: Array<XmlElement | string> | undefined;
}

/** zod schema of {@link XmlElement}. */
export const XmlElementSchema: z.ZodType<XmlElement> = z.lazy(() =>
  z.strictObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    children: z.array(z.union([z.string(), XmlElementSchema])).optional(),
  }),
);
