/**
 * One instruction of a compiled SAT cadena-original template (see cadena-program.ts), in the
 * order the stylesheet writes them. Paths are XPath location paths restricted to what SAT's
 * stylesheets use (`.`, `./N:Local`, `./N:A/N:B`, `.//N:Local`, `./*`, `/N:Local`, `./@Attr`),
 * with names written `N:Local`, N an index into NAMESPACES.
 *
 * - `required`: `xsl:call-template name="Requerido"` (utilerias.xslt): `|` and the value,
 *   normalize-space'd, even when the value is absent.
 * - `optional`: `xsl:call-template name="Opcional"`: the same, only when the path selects something.
 * - `apply`: `xsl:apply-templates select="path"`.
 * - `each`: `xsl:for-each select="path"` over the body.
 * - `if`: `xsl:if test="path"` (the path selects something); `ifEquals`: `test="path='literal'"`.
 * - `text`: literal text of the template (`|` and `||` of the `match="/"` template).
 */
export type CadenaStep =
  | readonly ['required' | 'optional' | 'apply', string]
  | readonly ['each' | 'if', string, readonly CadenaStep[]]
  | readonly ['ifEquals', string, string, readonly CadenaStep[]]
  | readonly ['text', string];
