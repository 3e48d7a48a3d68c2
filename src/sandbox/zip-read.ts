import { crc32, inflateRawSync } from 'node:zlib';
import { CfdiLayoutError } from '../errors.js';

/** One file of a ZIP archive. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** Limits of {@link readZip}, so an upload cannot exhaust memory. */
export interface ReadZipOptions {
  /** Defaults to 10 000. */
  readonly maxEntries?: number;
  /** Total uncompressed bytes. Defaults to 256 MiB. */
  readonly maxTotalBytes?: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function invalid(message: string): CfdiLayoutError {
  return new CfdiLayoutError('ZIP_INVALID', `ZIP: ${message}`);
}

/**
 * Reads a ZIP archive through its central directory (APPNOTE 6.3): stored and deflated entries,
 * CRC-32 checked, directories skipped. ZIP64, encryption and other methods are `ZIP_INVALID`, as is
 * any offset or size outside the buffer.
 */
export function readZip(bytes: Uint8Array, options: ReadZipOptions = {}): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxEntries = options.maxEntries ?? 10_000;
  const maxTotal = options.maxTotalBytes ?? 256 * 1024 * 1024;
  if (buf.length < 22) throw invalid('too short to be an archive');
  let eocd = -1;
  // The end record is 22 bytes plus a comment of at most 65 535 bytes.
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalid('no end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  const offset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff)
    throw invalid('ZIP64 archives are not supported');
  if (count > maxEntries) throw invalid(`more than ${maxEntries} entries`);
  if (offset + size > eocd) throw invalid('central directory outside the archive');
  const entries: ZipEntry[] = [];
  let total = 0;
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== CENTRAL)
      throw invalid(`central directory entry ${n} is damaged`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressed = buf.readUInt32LE(p + 20);
    const uncompressed = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    if (p + 46 + nameLength > eocd) throw invalid(`central directory entry ${n} is damaged`);
    // Bit 11: the name is UTF-8; otherwise CP437, read as Latin-1 (identical for ASCII names).
    const name = buf
      .subarray(p + 46, p + 46 + nameLength)
      .toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1');
    p += 46 + nameLength + extraLength + commentLength;
    if ((flags & 0x1) !== 0) throw invalid(`${name} is encrypted`);
    if (name.endsWith('/')) continue;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL)
      throw invalid(`${name}: local header missing`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + compressed > buf.length) throw invalid(`${name}: data outside the archive`);
    total += uncompressed;
    if (total > maxTotal) throw invalid(`more than ${maxTotal} uncompressed bytes`);
    const raw = buf.subarray(start, start + compressed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, uncompressed) });
      } catch (err) {
        throw new CfdiLayoutError('ZIP_INVALID', `ZIP: ${name}: cannot inflate`, { cause: err });
      }
    } else throw invalid(`${name}: compression method ${method} is not supported (only stored and deflate)`);
    if (data.length !== uncompressed)
      throw invalid(`${name}: size ${data.length} differs from the recorded ${uncompressed}`);
    if (crc32(data) !== crc) throw invalid(`${name}: CRC-32 mismatch`);
    entries.push({ name, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
  }
  return entries;
}
