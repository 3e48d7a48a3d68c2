import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The SAT kit beside the project (`../shared/kit`). */
export const KIT = resolve(import.meta.dirname, '../../../shared/kit');

function toolsPresent(): boolean {
  const which = spawnSync('sh', ['-c', 'command -v xmllint && command -v xsltproc'], { encoding: 'utf8' });
  return which.status === 0;
}

/**
 * Why the SAT-kit tests cannot run here, or `undefined` when they can. With REQUIRE_SAT_KIT=1
 * (CI) a missing kit is a failure, not a skip.
 */
export const kitMissingReason: string | undefined = (() => {
  let reason: string | undefined;
  if (!existsSync(join(KIT, 'validate-xsd.sh'))) reason = `SAT kit not found at ${KIT}`;
  else if (!toolsPresent())
    reason = 'xmllint/xsltproc not installed (apt-get install libxml2-utils xsltproc)';
  if (reason !== undefined && process.env.REQUIRE_SAT_KIT === '1') {
    throw new Error(`REQUIRE_SAT_KIT=1 but ${reason}`);
  }
  if (reason !== undefined) process.stderr.write(`[sat-kit] skipping SAT-kit tests: ${reason}\n`);
  return reason;
})();

/** True when the SAT-kit tests can run. */
export const kitAvailable = kitMissingReason === undefined;

/** Every CFDI 4.0 file of the kit's corpus (absolute paths). */
export function corpusFiles(folder = 'cfdi40'): string[] {
  const dir = join(KIT, 'corpus', folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => join(dir, f));
}

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfdi-kit-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** The cadena original of an XML document (SAT's XSLT through the kit's cadena.sh). */
export function cadena(xml: string): string {
  return execFileSync(join(KIT, 'cadena.sh'), [tempFile('doc.xml', xml)], { encoding: 'utf8' });
}

/** The cadena original of an XML file on disk. */
export function cadenaOfFile(file: string): string {
  return execFileSync(join(KIT, 'cadena.sh'), [file], { encoding: 'utf8' });
}

/** Validates XML text against SAT's XSD (`--presello` for unsigned pre-CFDI); returns the kit's verdict. */
export function validateXsd(xml: string, presello = true): { ok: boolean; output: string } {
  const args = presello ? ['--presello', tempFile('doc.xml', xml)] : [tempFile('doc.xml', xml)];
  const run = spawnSync(join(KIT, 'validate-xsd.sh'), args, { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}
