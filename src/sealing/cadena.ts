import { CfdiLayoutError } from '../errors.js';
import { CFDI_NAMESPACE, CFDI3_NAMESPACE } from '../xml/namespaces.js';
import { readXmlTree, type XmlNode } from '../xml/parse.js';
import { NAMESPACES, STYLESHEETS, TEMPLATES } from './cadena-program.js';
import type { CadenaStep } from './cadena-steps.js';

/*
 * The cadena original, computed the way SAT's cadenaoriginal_4_0.xslt (and _3_3, and
 * cadenaoriginal_TFD_1_1.xslt) compute it under an XSLT 1.0 processor such as xsltproc, which is
 * what ../shared/kit/cadena.sh runs. The stylesheets themselves are compiled into data
 * (cadena-program.ts, by test/helpers/cadena-program.mjs); this module runs that data:
 *
 * - `Requerido` / `Opcional` (utilerias.xslt): `|` + normalize-space(string(valor)); Opcional
 *   writes nothing when the path selects nothing. An attribute that is present but empty is
 *   selected, so `Serie=""` gives `|` even through Opcional, as in XSLT.
 * - `xsl:apply-templates`: each selected element in document order goes to the template matching
 *   its expanded name. With none, XSLT's built-in rules apply (XSLT 1.0 §5.8): the element's
 *   children are processed in turn and text nodes are copied, whitespace included. That is how
 *   a TimbreFiscalDigital inside cfdi:Complemento contributes nothing (or only the text it holds).
 *   An element reached that way whose namespace no template of the stylesheet knows is a
 *   complement SAT's stylesheet does not cover: it is refused (CADENA_UNSUPPORTED) rather than
 *   guessed at, because SAT publishes its cadena rules per complement.
 * - Whitespace: normalize-space strips and collapses space, tab, CR and LF, and nothing else
 *   (XPath 1.0 §4.2); attribute values arrive normalised by the XML parser as XML 1.0 §3.3.3 says.
 */

/** The TimbreFiscalDigital's namespace: not part of the comprobante's cadena, by design. */
const TFD_NAMESPACE = 'http://www.sat.gob.mx/TimbreFiscalDigital';

type SheetName = keyof typeof STYLESHEETS;

interface Sheet {
  readonly root: readonly CadenaStep[];
  /** Namespace URI → local name → template: looked up per element without building a key. */
  readonly templates: ReadonlyMap<string, ReadonlyMap<string, readonly CadenaStep[]>>;
  /** Namespace indexes some template of the stylesheet matches. */
  readonly covered: ReadonlySet<number>;
}

const NAMESPACE_INDEX: ReadonlyMap<string, number> = new Map(NAMESPACES.map((uri, i) => [uri, i]));

const sheets = new Map<SheetName, Sheet>();

function sheetOf(name: SheetName): Sheet {
  let sheet = sheets.get(name);
  if (sheet === undefined) {
    const { root, templates } = STYLESHEETS[name];
    const map = new Map<string, Map<string, readonly CadenaStep[]>>();
    const covered = new Set<number>();
    for (const key of templates) {
      const colon = key.indexOf(':');
      const index = Number(key.slice(0, colon));
      const uri = NAMESPACES[index] as string;
      let byLocal = map.get(uri);
      if (byLocal === undefined) {
        byLocal = new Map();
        map.set(uri, byLocal);
      }
      byLocal.set(key.slice(colon + 1), TEMPLATES[key] as readonly CadenaStep[]);
      covered.add(index);
    }
    sheet = { root, templates: map, covered };
    sheets.set(name, sheet);
  }
  return sheet;
}

/** One location step: `.`, a child element test (`N:Local` or `*`), or a descendant one. */
interface PathStep {
  readonly descendant: boolean;
  /** `*`: any element. */
  readonly any: boolean;
  /** A name test's namespace URI and local name (`N:Local`, N an index into NAMESPACES). */
  readonly namespace: string;
  readonly local: string;
}

interface CompiledPath {
  readonly absolute: boolean;
  readonly steps: readonly PathStep[];
  /** Name of the final `@attribute` step, if any. */
  readonly attribute: string | undefined;
}

const paths = new Map<string, CompiledPath>();

function compileStep(descendant: boolean, test: string): PathStep {
  if (test === '*') return { descendant, any: true, namespace: '', local: '' };
  const colon = test.indexOf(':');
  const namespace = NAMESPACES[Number(test.slice(0, colon))];
  if (namespace === undefined) throw new Error(`cadena program: unknown namespace in ${test}`);
  return { descendant, any: false, namespace, local: test.slice(colon + 1) };
}

function compilePath(text: string): CompiledPath {
  let compiled = paths.get(text);
  if (compiled !== undefined) return compiled;
  const absolute = text.startsWith('/') && !text.startsWith('//');
  const steps: PathStep[] = [];
  let attribute: string | undefined;
  let descendant = false;
  const parts = (absolute ? text.slice(1) : text).split('/');
  for (const part of parts) {
    if (part === '') {
      // `a//b`: the empty part between the slashes makes the next step a descendant step.
      descendant = true;
      continue;
    }
    // `.` selects the context itself, so it adds no step (`.//x` is the context's descendants x).
    if (part.startsWith('@')) attribute = part.slice(1);
    else if (part !== '.') steps.push(compileStep(descendant, part));
    descendant = false;
  }
  compiled = { absolute, steps, attribute };
  paths.set(text, compiled);
  return compiled;
}

function matches(node: XmlNode, step: PathStep): boolean {
  return step.any || (node.local === step.local && node.namespace === step.namespace);
}

function collectDescendants(node: XmlNode, step: PathStep, out: XmlNode[]): void {
  for (const child of node.children) {
    if (typeof child === 'string') continue;
    if (matches(child, step)) out.push(child);
    collectDescendants(child, step, out);
  }
}

/** The elements a path selects from `context`, in document order. */
function selectNodes(path: CompiledPath, context: XmlNode, document: XmlNode): XmlNode[] {
  // The document node's one child is the root element; `/N:Local` tests the root itself.
  let current: XmlNode[] = [context];
  let steps = path.steps;
  if (path.absolute) {
    const first = steps[0];
    if (first === undefined) return [];
    current = matches(document, first) ? [document] : [];
    steps = steps.slice(1);
  }
  for (const step of steps) {
    const next: XmlNode[] = [];
    for (const node of current) {
      if (step.descendant) collectDescendants(node, step, next);
      else
        for (const child of node.children)
          if (typeof child !== 'string' && matches(child, step)) next.push(child);
    }
    current = next;
  }
  return current;
}

/** XPath string-value of an element: the concatenation of its descendant text nodes. */
function stringValue(node: XmlNode): string {
  let text = '';
  for (const child of node.children) text += typeof child === 'string' ? child : stringValue(child);
  return text;
}

/** The string values a path selects: attribute values, or elements' string values. */
function selectValues(text: string, context: XmlNode, document: XmlNode): string[] {
  const path = compilePath(text);
  // `./@Attr`, most of every stylesheet: the context's own attribute.
  if (path.steps.length === 0 && !path.absolute && path.attribute !== undefined) {
    const value = context.attributes[path.attribute];
    return value === undefined ? [] : [value];
  }
  const nodes = selectNodes(path, context, document);
  const attribute = path.attribute;
  if (attribute === undefined) return nodes.map(stringValue);
  const values: string[] = [];
  for (const node of nodes) {
    const value = node.attributes[attribute];
    if (value !== undefined) values.push(value);
  }
  return values;
}

/** A tab, CR or LF, two spaces in a row, or a space at either end. */
const NEEDS_NORMALIZING = /[\t\r\n]| {2}|^ | $/;

/** XPath 1.0 normalize-space: strip and collapse runs of space, tab, CR and LF. */
export function normalizeSpace(value: string): string {
  if (!NEEDS_NORMALIZING.test(value)) return value;
  return value.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');
}

class Run {
  out = '';
  /** The elements being processed, outermost first, to say where a refusal happened. */
  private readonly trail: XmlNode[] = [];

  constructor(
    private readonly sheet: Sheet,
    private readonly document: XmlNode,
  ) {}

  steps(steps: readonly CadenaStep[], context: XmlNode): void {
    for (const step of steps) {
      switch (step[0]) {
        case 'required':
        case 'optional': {
          const values = selectValues(step[1], context, this.document);
          const first = values[0];
          if (first !== undefined) this.out += `|${normalizeSpace(first)}`;
          else if (step[0] === 'required') this.out += '|';
          break;
        }
        case 'apply':
          for (const node of selectNodes(compilePath(step[1]), context, this.document)) this.apply(node);
          break;
        case 'each':
          for (const node of selectNodes(compilePath(step[1]), context, this.document))
            this.steps(step[2], node);
          break;
        case 'if':
          if (selectValues(step[1], context, this.document).length > 0) this.steps(step[2], context);
          break;
        case 'ifEquals':
          if (selectValues(step[1], context, this.document).includes(step[2])) this.steps(step[3], context);
          break;
        case 'text':
          this.out += step[1];
          break;
      }
    }
  }

  apply(node: XmlNode): void {
    this.trail.push(node);
    const template = this.sheet.templates.get(node.namespace)?.get(node.local);
    if (template !== undefined) this.steps(template, node);
    else this.builtIn(node);
    this.trail.pop();
  }

  /** XSLT 1.0 §5.8: process the children; copy text. */
  private builtIn(node: XmlNode): void {
    const index = NAMESPACE_INDEX.get(node.namespace);
    if (node.namespace !== TFD_NAMESPACE && (index === undefined || !this.sheet.covered.has(index))) {
      const where = `/${this.trail.map((n) => n.name).join('/')}`;
      throw new CfdiLayoutError(
        'CADENA_UNSUPPORTED',
        `${where}: ${node.name} (namespace ${node.namespace || 'none'}) is not covered by SAT's cadena original stylesheet; its cadena rules are unknown, so no cadena is computed`,
        { location: { field: where } },
      );
    }
    for (const child of node.children) {
      if (typeof child === 'string') this.out += child;
      else this.apply(child);
    }
  }
}

function run(name: SheetName, root: XmlNode): string {
  const sheet = sheetOf(name);
  const state = new Run(sheet, root);
  state.steps(sheet.root, root);
  return state.out;
}

function treeOf(xml: string | Uint8Array | XmlNode): XmlNode {
  return typeof xml === 'string' || xml instanceof Uint8Array ? readXmlTree(xml) : xml;
}

/**
 * The cadena original of a CFDI 4.0 or 3.3 document, exactly as SAT's cadenaoriginal_4_0.xslt
 * (or cadenaoriginal_3_3.xslt) writes it: starting with `||`, ending with `||`, no newline.
 * Every complement SAT's stylesheet includes is covered (Pagos 2.0, implocal, nómina 1.2,
 * Comercio Exterior 1.1/2.0, Carta Porte 2.0/3.0/3.1, INE, and the rest listed in
 * cadena-program.ts); the TimbreFiscalDigital is not part of it.
 *
 * @throws `XML_MALFORMED` / `XML_DOCTYPE_FORBIDDEN` for text that is not XML; `CADENA_UNSUPPORTED`
 * for a root that is not a CFDI 4.0/3.3 Comprobante, or a complement SAT's stylesheet does not cover.
 */
export function cadenaOriginal(xml: string | Uint8Array | XmlNode): string {
  const root = treeOf(xml);
  const version = root.attributes['Version'];
  if (root.local === 'Comprobante' && root.namespace === CFDI_NAMESPACE && version === '4.0')
    return run('cfdi40', root);
  if (root.local === 'Comprobante' && root.namespace === CFDI3_NAMESPACE && version === '3.3')
    return run('cfdi33', root);
  throw new CfdiLayoutError(
    'CADENA_UNSUPPORTED',
    `the root element is ${root.name} (namespace ${root.namespace || 'none'}, Version ${version ?? 'absent'}); a cadena original is computed for CFDI 4.0 and 3.3 Comprobantes only`,
  );
}

function firstTimbre(node: XmlNode): XmlNode | undefined {
  if (node.namespace === TFD_NAMESPACE && node.local === 'TimbreFiscalDigital') return node;
  for (const child of node.children) {
    if (typeof child === 'string') continue;
    const found = firstTimbre(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The cadena original del complemento de certificación digital del SAT: cadenaoriginal_TFD_1_1.xslt
 * over the document's first tfd:TimbreFiscalDigital (a stamped CFDI, or the timbre alone).
 *
 * @throws `CADENA_UNSUPPORTED` when the document holds no TimbreFiscalDigital.
 */
export function cadenaOriginalTfd(xml: string | Uint8Array | XmlNode): string {
  const timbre = firstTimbre(treeOf(xml));
  if (timbre === undefined) {
    throw new CfdiLayoutError(
      'CADENA_UNSUPPORTED',
      'the document has no tfd:TimbreFiscalDigital (it is not stamped)',
    );
  }
  return run('tfd11', timbre);
}
