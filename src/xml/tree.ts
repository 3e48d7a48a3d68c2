/*
 * The element tree both directions share. `readXmlTree` reads a document into it; the renderer
 * builds one from the model and serializes it, so the cadena original of a document about to be
 * written is computed from the same tree, without reading the text back.
 */

/** An element with its names resolved and its text decoded (what `readXmlTree` returns). */
export interface XmlNode {
  readonly name: string;
  readonly local: string;
  /** Namespace URI, '' for none. */
  readonly namespace: string;
  readonly attributes: Record<string, string>;
  /** Namespace URIs of prefixed attributes other than xsi:/xml:, which the model cannot name. */
  readonly attributeNamespaces: ReadonlyMap<string, string> | undefined;
  readonly children: Array<XmlNode | string>;
}

/**
 * An element as the renderer writes it: the tree `readXmlTree` reads back from the written text
 * (names resolved, values unescaped), plus what only the writer needs.
 */
export interface WrittenNode extends XmlNode {
  readonly children: Array<WrittenNode | string>;
  /** Namespace declarations written on the element, in order: prefix ('' for the default) and URI. */
  readonly declarations: ReadonlyArray<readonly [string, string]> | undefined;
  /**
   * Attribute key → name as written, where they differ: the reader names every attribute in the
   * XSI namespace `xsi:`, whatever prefix the document bound to it.
   */
  readonly writtenNames: ReadonlyMap<string, string> | undefined;
}
