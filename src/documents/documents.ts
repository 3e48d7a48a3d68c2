import { CfdiLayoutError, isCfdiLayoutError } from '../errors.js';
import { error, type Issue } from '../issues.js';
import {
  type CompiledLayout,
  compileLayout,
  type LayoutDefinition,
  parseLayout,
  renderLayout,
} from '../layouts/index.js';
import { LAYOUT_ISSUE_CODES } from '../layouts/layout-issues.js';
import { validateLayoutText } from '../layouts/validate.js';
import type { Comprobante } from '../model/comprobante.js';
import { parseJsonExact, readComprobanteJson } from '../model/json.js';
import { inSchemaOrder } from '../model/order.js';
import { validateComprobante } from '../rules/index.js';
import { verifySello } from '../sealing/seal.js';
import { completeComprobante } from '../taxes/complete.js';
import { comprobanteOfTree, readXmlTree, type XmlNode } from '../xml/parse.js';
import { renderComprobante } from '../xml/render.js';
import { LAYOUT_LINES_KEY, splitLayoutLines } from './layout-json.js';

/** The three forms a comprobante travels in. */
export type DocumentFormat = 'xml' | 'json' | 'layout';

/** The formats, for option lists. */
export const DOCUMENT_FORMATS: readonly DocumentFormat[] = ['xml', 'json', 'layout'];

const decoder = new TextDecoder('utf-8');

/** Byte-order marks: UTF-8's, and UTF-16's two, whose documents the XML reader refuses by name. */
function bomLength(bytes: Uint8Array): number {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 3;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return 2;
  return 0;
}

function firstSignificantByte(bytes: Uint8Array): number | undefined {
  // NUL bytes are skipped so that UTF-16 text shows its first character too.
  for (let i = bomLength(bytes); i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x00) return b;
  }
  return undefined;
}

/** The first character that is not a BOM, whitespace or NUL; `undefined` for an empty document. */
function firstSignificant(input: string | Uint8Array): number | undefined {
  if (typeof input !== 'string') return firstSignificantByte(input);
  const at = input.search(/[^ \t\n\r\0\uFEFF]/);
  return at < 0 ? undefined : input.charCodeAt(at);
}

/** The format a file name's extension says, for a document with no content to guess from. */
function formatOfName(name: string | undefined): DocumentFormat | undefined {
  const extension = /\.([A-Za-z]+)$/.exec(name ?? '')?.[1]?.toLowerCase();
  return extension === 'xml' ? 'xml' : extension === 'json' ? 'json' : undefined;
}

/**
 * Guesses the format of a document from its first significant character: `<` is XML, `{` JSON,
 * anything else a pipe-delimited layout. An empty (or whitespace-only) document has no such
 * character: the extension of `name` (`.xml`, `.json`) decides, else it is a layout.
 */
export function detectFormat(input: string | Uint8Array, name?: string): DocumentFormat {
  const first = firstSignificant(input);
  if (first === 0x3c) return 'xml';
  if (first === 0x7b) return 'json';
  if (first === undefined) return formatOfName(name) ?? 'layout';
  return 'layout';
}

/**
 * An empty layout text read without a definition: it is a bad document (LAYOUT_EMPTY, as the
 * layout engine says of an empty text), not a missing `--layout`, since there is nothing to parse.
 */
function emptyLayout(input: string | Uint8Array, options: ReadDocumentOptions): Issue | undefined {
  if (options.layout !== undefined || firstSignificant(input) !== undefined) return undefined;
  return error(LAYOUT_ISSUE_CODES.empty, [], 'the document is empty: there is nothing to read');
}

/** How to read a document. */
export interface ReadDocumentOptions {
  /** The input format. Defaults to {@link detectFormat}. */
  readonly from?: DocumentFormat | undefined;
  /** The layout definition, required for layout input. */
  readonly layout?: LayoutDefinition | CompiledLayout | undefined;
  /** A layout variant (`ticket`). Defaults to the full layout. */
  readonly variant?: string | undefined;
  /**
   * The document's file name, whose extension (`.xml`, `.json`) gives the format of an empty
   * document. Defaults to none.
   */
  readonly name?: string | undefined;
}

/** A document read into the model: the comprobante when it could be read, and what was found on the way. */
export interface ReadDocumentResult {
  readonly format: DocumentFormat;
  readonly comprobante?: Comprobante;
  /** Errors here mean the document could not be read (the comprobante is then absent). */
  readonly issues: Issue[];
}

function issueFromError(err: unknown): Issue {
  if (isCfdiLayoutError(err)) {
    const loc = err.location;
    const where =
      loc?.line === undefined
        ? ''
        : ` (line ${loc.line}${loc.column === undefined ? '' : `, column ${loc.column}`})`;
    return error(err.code, loc?.path ?? [], `${err.message}${where}`);
  }
  throw err;
}

function text(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : decoder.decode(input);
}

function requireLayout(layout: LayoutDefinition | CompiledLayout | undefined): CompiledLayout {
  if (layout === undefined)
    throw new CfdiLayoutError('USAGE', 'layout input and output need a layout definition (--layout ID|FILE)');
  return compileLayout(layout);
}

/**
 * Reads a CFDI 4.0 comprobante from XML, model JSON or a layout. JSON may omit every computed
 * amount: they are computed, and amounts given are kept as written (the rules judge them). A
 * document is refused (no comprobante, error issues) only when it cannot be read.
 */
export function readDocument(
  input: string | Uint8Array,
  options: ReadDocumentOptions = {},
): ReadDocumentResult {
  return read(input, options).result;
}

/** {@link readDocument}, keeping the XML tree it read so that nothing reads the bytes twice. */
function read(
  input: string | Uint8Array,
  options: ReadDocumentOptions,
): { result: ReadDocumentResult; tree?: XmlNode } {
  const format = options.from ?? detectFormat(input, options.name);
  try {
    if (format !== 'xml') return { result: readOther(input, format, options) };
    const tree = readXmlTree(input);
    return { result: { format, comprobante: comprobanteOfTree(tree), issues: [] }, tree };
  } catch (err) {
    if (isCfdiLayoutError(err, 'USAGE')) throw err;
    return { result: { format, issues: [issueFromError(err)] } };
  }
}

/** Reads the model JSON or a layout. */
function readOther(
  input: string | Uint8Array,
  format: 'json' | 'layout',
  options: ReadDocumentOptions,
): ReadDocumentResult {
  switch (format) {
    case 'json': {
      const { value, inexact } = parseJsonExact(text(input));
      // The lines a layout text left under layoutLines matter to a layout target only.
      const split = splitLayoutLines(value);
      const json = readComprobanteJson(split === undefined ? value : split.model, inexact);
      const carried: Issue[] =
        split === undefined
          ? []
          : [
              {
                code: 'LAYOUT_VALUE_OMITTED',
                path: [LAYOUT_LINES_KEY],
                message: `${LAYOUT_LINES_KEY} keeps what a layout text had beyond the model; only --to layout writes it`,
                severity: 'warning',
              },
            ];
      if (json.input === undefined) return { format, issues: [...carried, ...json.issues] };
      const completed = completeComprobante(json.input);
      return { format, comprobante: completed.comprobante, issues: [...carried, ...completed.issues] };
    }
    case 'layout': {
      const empty = emptyLayout(input, options);
      if (empty !== undefined) return { format, issues: [empty] };
      const parsed = parseLayout(
        requireLayout(options.layout),
        input,
        options.variant === undefined ? {} : { variant: options.variant },
      );
      const issues: Issue[] = [...parsed.issues];
      return parsed.comprobante === undefined
        ? { format, issues }
        : { format, comprobante: parsed.comprobante, issues };
    }
  }
}

/** How to write a document. */
export interface WriteDocumentOptions {
  /** The layout definition, required for layout output. */
  readonly layout?: LayoutDefinition | CompiledLayout | undefined;
  /** Layout parameters (connector, environment, version). Defaults to the layout's own. */
  readonly parameters?: Readonly<Record<string, string>> | undefined;
  /** A layout variant (`ticket`). */
  readonly variant?: string | undefined;
  /** Indent XML and JSON for people. Defaults to true. */
  readonly pretty?: boolean | undefined;
}

/** A written document, or the issues that refused it (`text` is then absent). */
export interface WriteDocumentResult {
  readonly text?: string;
  readonly issues: Issue[];
}

/**
 * Writes a comprobante as XML (unsigned pre-CFDI), model JSON or a layout. It refuses only what
 * the target cannot represent (a value a layout cannot carry), with issues naming the field.
 */
export function writeDocument(
  c: Comprobante,
  to: DocumentFormat,
  options: WriteDocumentOptions = {},
): WriteDocumentResult {
  const pretty = options.pretty ?? true;
  try {
    switch (to) {
      case 'xml':
        return { text: renderComprobante(c, { pretty }), issues: [] };
      case 'json':
        return { text: `${JSON.stringify(inSchemaOrder(c), null, pretty ? 2 : undefined)}\n`, issues: [] };
      case 'layout': {
        const rendered = renderLayout(requireLayout(options.layout), c, {
          ...(options.parameters === undefined ? {} : { parameters: options.parameters }),
          ...(options.variant === undefined ? {} : { variant: options.variant }),
        });
        const issues: Issue[] = [...rendered.issues];
        return issues.some((i) => i.severity === 'error') ? { issues } : { text: rendered.text, issues };
      }
    }
  } catch (err) {
    if (isCfdiLayoutError(err, 'USAGE')) throw err;
    return { issues: [issueFromError(err)] };
  }
}

/**
 * Validates a document in any format: first whether it can be read (structure and types), then
 * every SAT rule. Layout issues name the line, record, field and column.
 */
export function validateDocument(
  input: string | Uint8Array,
  options: ReadDocumentOptions = {},
): {
  format: DocumentFormat;
  issues: Issue[];
} {
  const format = options.from ?? detectFormat(input, options.name);
  if (format === 'layout') {
    const empty = emptyLayout(input, options);
    if (empty !== undefined) return { format, issues: [empty] };
    const layout = requireLayout(options.layout);
    return {
      format,
      issues: [
        ...validateLayoutText(
          layout,
          input,
          options.variant === undefined ? {} : { variant: options.variant },
        ),
      ],
    };
  }
  const { result, tree } = read(input, { ...options, from: format });
  if (result.comprobante === undefined) return { format, issues: result.issues };
  const issues = [...result.issues, ...validateComprobante(result.comprobante)];
  // A sealed XML document's Sello and NoCertificado are checked against its own Certificado
  // (CFDI40102, CFDI40106); only XML has the exact text the cadena original is computed from.
  const { sello, certificado } = result.comprobante;
  if (tree !== undefined && ((sello ?? '') !== '' || (certificado ?? '') !== ''))
    issues.push(...verifySello(tree));
  return { format, issues };
}
