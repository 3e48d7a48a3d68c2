#!/usr/bin/env node
/*
 * Compiles SAT's cadena-original stylesheets (../shared/kit/sat/...) into the data table
 * src/sealing/cadena-program.ts, so that the library computes the cadena without shipping SAT's
 * XSLT or needing an XSLT processor at run time.
 *
 *   node test/helpers/cadena-program.mjs > src/sealing/cadena-program.ts
 *
 * test/sealing/cadena-program.test.ts regenerates the table from the kit and requires it to equal
 * the committed file, so the table can never drift from SAT's stylesheets.
 *
 * SAT's stylesheets use a small, regular subset of XSLT, and the compiler refuses anything
 * outside it rather than guessing: templates that match one element name (or `/`),
 * `xsl:call-template` of the utilerías templates `Requerido` / `Opcional` with a `valor`
 * parameter, `xsl:apply-templates`, `xsl:for-each`, `xsl:if` on a path (existence) or on
 * `path='literal'`, and literal text. Names in paths are stored as `N:Local`, N an index into
 * NAMESPACES, so the table does not depend on the prefixes a document or a stylesheet uses.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

const XSL = 'http://www.w3.org/1999/XSL/Transform';

/** The stylesheets the library runs, by the name the runtime knows them by. */
export const ROOT_STYLESHEETS = {
  cfdi40: 'sitio_internet/cfd/4/cadenaoriginal_4_0/cadenaoriginal_4_0.xslt',
  cfdi33: 'sitio_internet/cfd/3/cadenaoriginal_3_3/cadenaoriginal_3_3.xslt',
  tfd11: 'sitio_internet/cfd/TimbreFiscalDigital/cadenaoriginal_TFD_1_1.xslt',
};

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  commentPropName: '#comment',
});

function tagOf(raw) {
  for (const key in raw) if (key !== ':@') return key;
  return undefined;
}

class Compiler {
  namespaces = [];
  /** key `N:Local` -> { steps, source } */
  templates = new Map();

  nsIndex(uri) {
    let i = this.namespaces.indexOf(uri);
    if (i < 0) {
      this.namespaces.push(uri);
      i = this.namespaces.length - 1;
    }
    return i;
  }

  qname(name, scope, where) {
    const colon = name.indexOf(':');
    if (colon < 0) throw new Error(`${where}: unprefixed name ${name} (SAT's stylesheets always prefix)`);
    const uri = scope.get(name.slice(0, colon));
    if (uri === undefined) throw new Error(`${where}: undeclared prefix in ${name}`);
    return `${this.nsIndex(uri)}:${name.slice(colon + 1)}`;
  }

  /** A select/test path with every QName turned into `N:Local`. */
  path(expr, scope, where) {
    const text = expr.trim();
    if (!/^(\/|\.|[A-Za-z])/.test(text) || /[[\]()|=$]/.test(text))
      throw new Error(`${where}: unsupported path ${expr}`);
    return text.replace(/(@?)([A-Za-z_][\w.-]*:[A-Za-z_\u00c0-\u024f][\w.\u00c0-\u024f-]*)/g, (m, at, q) =>
      at === '@' ? m : this.qname(q, scope, where),
    );
  }

  body(children, scope, where) {
    const steps = [];
    for (const raw of children) {
      const tag = tagOf(raw);
      if (tag === '#comment') continue;
      if (tag === '#text') {
        const text = String(raw['#text']);
        if (/[^ \t\r\n]/.test(text)) steps.push(['text', text]);
        continue;
      }
      const attrs = raw[':@'] ?? {};
      const kids = raw[tag] ?? [];
      const inner = scopeOf(attrs, scope);
      const local = this.xslLocal(tag, inner, where);
      if (local === 'call-template') {
        const name = attrs.name;
        if (name !== 'Requerido' && name !== 'Opcional') throw new Error(`${where}: call-template ${name}`);
        const params = kids.filter((k) => tagOf(k) !== '#comment' && tagOf(k) !== '#text');
        const param = params[0];
        if (
          params.length !== 1 ||
          this.xslLocal(tagOf(param), inner, where) !== 'with-param' ||
          param[':@'].name !== 'valor'
        )
          throw new Error(`${where}: ${name} without its single valor parameter`);
        steps.push([
          name === 'Requerido' ? 'required' : 'optional',
          this.path(param[':@'].select, inner, where),
        ]);
      } else if (local === 'apply-templates') {
        if (kids.some((k) => tagOf(k) !== '#text' && tagOf(k) !== '#comment'))
          throw new Error(`${where}: apply-templates with content`);
        steps.push(['apply', this.path(attrs.select, inner, where)]);
      } else if (local === 'for-each') {
        steps.push(['each', this.path(attrs.select, inner, where), this.body(kids, inner, where)]);
      } else if (local === 'if') {
        const equals = /^(.*?)\s*=\s*'([^']*)'$/.exec(attrs.test.trim());
        if (equals)
          steps.push([
            'ifEquals',
            this.path(equals[1], inner, where),
            equals[2],
            this.body(kids, inner, where),
          ]);
        else steps.push(['if', this.path(attrs.test, inner, where), this.body(kids, inner, where)]);
      } else {
        throw new Error(`${where}: unsupported instruction xsl:${local}`);
      }
    }
    return steps;
  }

  xslLocal(tag, scope, where) {
    const colon = tag.indexOf(':');
    if (colon < 0 || scope.get(tag.slice(0, colon)) !== XSL)
      throw new Error(`${where}: literal result element <${tag}>`);
    return tag.slice(colon + 1);
  }

  /** Compiles one stylesheet and its includes; returns the templates it makes active, in order. */
  stylesheet(file, root, active) {
    const tree = parser.parse(readFileSync(file, 'utf8'));
    const sheet = tree.find((n) => tagOf(n)?.endsWith('stylesheet'));
    const scope = scopeOf(sheet[':@'], new Map());
    const source = relative(root, file);
    let rootSteps;
    for (const raw of sheet[tagOf(sheet)]) {
      const tag = tagOf(raw);
      if (tag === '#text' || tag === '#comment') continue;
      const attrs = raw[':@'] ?? {};
      const local = this.xslLocal(tag, scope, source);
      if (local === 'include') {
        const included = this.stylesheet(resolve(dirname(file), attrs.href), root, active);
        if (included.rootSteps !== undefined) rootSteps = included.rootSteps;
        continue;
      }
      if (local === 'output' || local === 'param') continue;
      if (local !== 'template') throw new Error(`${source}: top-level xsl:${local}`);
      if (attrs.name !== undefined) {
        if (!['Requerido', 'Opcional', 'ManejaEspacios'].includes(attrs.name))
          throw new Error(`${source}: named template ${attrs.name}`);
        continue;
      }
      const where = `${source} match="${attrs.match}"`;
      const steps = this.body(raw[tag], scope, where);
      if (attrs.match === '/') {
        rootSteps = steps;
        continue;
      }
      if (!/^[A-Za-z_][\w.-]*:[\w.-]+$/.test(attrs.match)) throw new Error(`${where}: unsupported pattern`);
      const key = this.qname(attrs.match, scope, where);
      const previous = this.templates.get(key);
      if (previous !== undefined && JSON.stringify(previous.steps) !== JSON.stringify(steps))
        throw new Error(`${where}: conflicts with ${previous.source}`);
      this.templates.set(key, { steps, source: `${source}: match="${attrs.match}"` });
      // Later templates of equal precedence win in XSLT: keep the last position.
      const at = active.indexOf(key);
      if (at >= 0) active.splice(at, 1);
      active.push(key);
    }
    return { rootSteps };
  }
}

function scopeOf(attrs, parent) {
  let scope = parent;
  for (const key in attrs ?? {}) {
    if (!key.startsWith('xmlns:')) continue;
    if (scope === parent) scope = new Map(parent);
    scope.set(key.slice(6), attrs[key]);
  }
  return scope;
}

/** The source text of src/sealing/cadena-program.ts, compiled from the kit at `kitDir`. */
export function generateCadenaProgram(kitDir) {
  const root = join(kitDir, 'sat', 'www.sat.gob.mx');
  const compiler = new Compiler();
  const sheets = {};
  for (const [name, file] of Object.entries(ROOT_STYLESHEETS)) {
    const active = [];
    const { rootSteps } = compiler.stylesheet(join(root, file), root, active);
    if (rootSteps === undefined) throw new Error(`${file}: no match="/" template`);
    sheets[name] = { source: file, root: rootSteps, templates: active };
  }
  const out = [];
  out.push("// Generated by test/helpers/cadena-program.mjs from SAT's cadena-original stylesheets");
  out.push('// (www.sat.gob.mx/sitio_internet/cfd/...); do not edit. test/sealing/cadena-program.test.ts');
  out.push('// regenerates it from ../shared/kit and requires this file to be equal.');
  out.push('');
  out.push("import type { CadenaStep } from './cadena-steps.js';");
  out.push('');
  out.push('/** Namespace URIs; names in paths are written `N:Local`, N an index here. */');
  out.push(`export const NAMESPACES: readonly string[] = ${JSON.stringify(compiler.namespaces, null, 2)};`);
  out.push('');
  out.push(
    '/** Each `xsl:template match="..."` of SAT\'s stylesheets, by `N:Local` of the element it matches. */',
  );
  out.push('export const TEMPLATES: Readonly<Record<string, readonly CadenaStep[]>> = {');
  for (const [key, { steps, source }] of [...compiler.templates].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    out.push(`  // ${source}`);
    out.push(`  ${JSON.stringify(key)}: ${JSON.stringify(steps)},`);
  }
  out.push('};');
  out.push('');
  out.push(
    '/** The stylesheets: the `match="/"` template and which templates the stylesheet and its includes define. */',
  );
  out.push('export const STYLESHEETS = {');
  for (const [name, sheet] of Object.entries(sheets)) {
    out.push(`  // ${sheet.source}`);
    out.push(
      `  ${name}: { root: ${JSON.stringify(sheet.root)}, templates: ${JSON.stringify(sheet.templates)} },`,
    );
  }
  out.push(
    '} as const satisfies Record<string, { root: readonly CadenaStep[]; templates: readonly string[] }>;',
  );
  out.push('');
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kit = process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/kit');
  process.stdout.write(generateCadenaProgram(kit));
}
