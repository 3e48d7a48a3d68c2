import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { CfdiLayoutError } from '../errors.js';

/*
 * ZIP bundles for timbrado masivo (seed 003: a ZIP of unsigned XML, sent as multipart `file`).
 * Deterministic: entries in the order given, every entry dated 1980-01-01T00:00:00Z (the ZIP epoch)
 * with mode 0644, no comment, deflate level 6; the same files give byte-identical ZIPs on any
 * machine and time zone. Each ZIP holds only the XML files, since a provider unpacking it expects
 * nothing else; the manifest (file, serie, folio, total, bytes, sha256) is returned for the caller to
 * write beside the ZIPs.
 *
 * Splitting: a ZIP is closed before the file that would take it past `maxFiles` files or `maxBytes`
 * bytes of XML (uncompressed, so the split does not depend on the compressor; the ZIP is smaller).
 * A single file larger than `maxBytes` goes alone into its own ZIP.
 */

/** The fixed date of every entry: the DOS epoch, so no clock or time zone enters the bytes. */
export const ZIP_ENTRY_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));
/** Deflate level of every bundle. */
export const ZIP_LEVEL = 6;
/** Entries handed to archiver ahead of the one it is compressing: bounds memory on large batches. */
const QUEUE_LIMIT = 32;

/** One file to bundle, with what the manifest lists about it. */
export interface BundleFile {
  /** Entry name inside the ZIP (unique within the run; see `uniqueNames`). */
  readonly name: string;
  readonly content: string | Uint8Array;
  readonly serie?: string;
  readonly folio?: string;
  readonly total?: string;
  /** The content's SHA-256 in hex when already known (computed where the content was encoded). */
  readonly sha256?: string;
}

/** Split limits of {@link writeZipBundles}. */
export interface BundleLimits {
  /** Most files per ZIP. */
  readonly maxFiles: number;
  /** Most uncompressed XML bytes per ZIP. */
  readonly maxBytes: number;
}

/** One manifest line: which ZIP (1-based part) holds which file. */
export interface ManifestEntry {
  readonly part: number;
  readonly file: string;
  readonly serie: string;
  readonly folio: string;
  readonly total: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** One ZIP written. */
export interface BundlePart {
  readonly part: number;
  readonly files: number;
  /** Uncompressed bytes of its files. */
  readonly bytes: number;
  /** Bytes of the ZIP itself. */
  readonly zipBytes: number;
}

/** What {@link writeZipBundles} wrote. */
export interface BundleReport {
  readonly parts: readonly BundlePart[];
  readonly manifest: readonly ManifestEntry[];
}

/** Options of {@link writeZipBundles}. */
export interface WriteZipBundlesOptions {
  readonly limits: BundleLimits;
  /** Opens the destination of part `part` (1-based); the bundle ends it. */
  readonly open: (part: number) => Writable | Promise<Writable>;
}

interface OpenPart {
  readonly part: number;
  readonly archive: ZipArchive;
  readonly sink: Writable;
  readonly done: Promise<void>;
  files: number;
  bytes: number;
  appended: number;
  processed: number;
}

function failed(err: unknown, part: number): CfdiLayoutError {
  return new CfdiLayoutError(
    'BUNDLE_FAILED',
    `writing ZIP part ${part} failed: ${err instanceof Error ? err.message : String(err)}`,
    {
      cause: err,
    },
  );
}

async function openPart(part: number, options: WriteZipBundlesOptions): Promise<OpenPart> {
  const sink = await options.open(part);
  const archive = new ZipArchive({ zlib: { level: ZIP_LEVEL } });
  let failure: unknown;
  archive.on('error', (err) => {
    failure ??= err;
    sink.destroy(err);
  });
  archive.on('warning', (err) => {
    failure ??= err;
  });
  const done = finished(sink).then(
    () => {
      if (failure !== undefined) throw failure;
    },
    (err: unknown) => {
      throw failure ?? err;
    },
  );
  // A rejection is awaited in closePart; until then it must not count as unhandled.
  done.catch(() => undefined);
  const open: OpenPart = { part, archive, sink, done, files: 0, bytes: 0, appended: 0, processed: 0 };
  archive.on('entry', () => {
    open.processed++;
  });
  archive.pipe(sink);
  return open;
}

async function closePart(open: OpenPart): Promise<BundlePart> {
  try {
    await open.archive.finalize();
    await open.done;
  } catch (err) {
    throw failed(err, open.part);
  }
  return { part: open.part, files: open.files, bytes: open.bytes, zipBytes: open.archive.pointer() };
}

/**
 * Streams files into deterministic ZIP bundles, split by the limits, and returns the parts and the
 * manifest in entry order. Throws `BUNDLE_FAILED` when a destination cannot be written.
 */
export async function writeZipBundles(
  files: AsyncIterable<BundleFile> | Iterable<BundleFile>,
  options: WriteZipBundlesOptions,
): Promise<BundleReport> {
  const { maxFiles, maxBytes } = options.limits;
  if (!(maxFiles >= 1) || !(maxBytes >= 1)) {
    throw new CfdiLayoutError(
      'BUNDLE_FAILED',
      `bundle limits must be positive (maxFiles ${maxFiles}, maxBytes ${maxBytes})`,
    );
  }
  const parts: BundlePart[] = [];
  const manifest: ManifestEntry[] = [];
  let current: OpenPart | undefined;
  try {
    for await (const file of files) {
      // Bytes are taken as they are (a view, not a copy): a worker's transferred buffer, say.
      const content =
        typeof file.content === 'string'
          ? Buffer.from(file.content, 'utf8')
          : Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength);
      const size = content.length;
      if (
        current !== undefined &&
        (current.files + 1 > maxFiles || (current.files > 0 && current.bytes + size > maxBytes))
      ) {
        parts.push(await closePart(current));
        current = undefined;
      }
      if (current === undefined) current = await openPart(parts.length + 1, options);
      const part = current;
      part.archive.append(content, { name: file.name, date: ZIP_ENTRY_DATE, mode: 0o644 });
      part.appended++;
      part.files++;
      part.bytes += size;
      manifest.push({
        part: part.part,
        file: file.name,
        serie: file.serie ?? '',
        folio: file.folio ?? '',
        total: file.total ?? '',
        bytes: size,
        sha256: file.sha256 ?? createHash('sha256').update(content).digest('hex'),
      });
      while (part.appended - part.processed > QUEUE_LIMIT) await once(part.archive, 'entry');
    }
    if (current !== undefined) parts.push(await closePart(current));
  } catch (err) {
    current?.archive.abort();
    current?.sink.destroy();
    throw err instanceof CfdiLayoutError ? err : failed(err, current?.part ?? parts.length + 1);
  }
  return { parts, manifest };
}

/** Makes entry names unique within a run: a repeated `T-1.xml` becomes `T-1-2.xml`, `T-1-3.xml`. */
export function uniqueNames(): (name: string) => string {
  const used = new Set<string>();
  return (name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    const dot = name.lastIndexOf('.');
    const stem = dot > 0 ? name.slice(0, dot) : name;
    const ext = dot > 0 ? name.slice(dot) : '';
    for (let n = 2; ; n++) {
      const candidate = `${stem}-${n}${ext}`;
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  };
}

/** The manifest as JSON: the ZIPs (by file name) and, for each XML, where it went and its checksum. */
export function manifestJson(report: BundleReport, zipNames: readonly string[]): string {
  const zipOf = (part: number): string => zipNames[part - 1] ?? `part-${part}`;
  return `${JSON.stringify(
    {
      zips: report.parts.map((p) => ({
        zip: zipOf(p.part),
        files: p.files,
        bytes: p.bytes,
        zipBytes: p.zipBytes,
      })),
      files: report.manifest.map((m) => ({
        zip: zipOf(m.part),
        file: m.file,
        serie: m.serie,
        folio: m.folio,
        total: m.total,
        bytes: m.bytes,
        sha256: m.sha256,
      })),
    },
    null,
    2,
  )}\n`;
}
