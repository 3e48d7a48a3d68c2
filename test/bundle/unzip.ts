import { inflateRawSync } from 'node:zlib';

/** One entry of a ZIP as its central directory and local header describe it. */
export interface ZipEntry {
  readonly name: string;
  readonly content: Buffer;
  /** Modification date/time as written (DOS format, local time fields). */
  readonly dosDate: number;
  readonly dosTime: number;
  readonly method: number;
  readonly crc32: number;
}

/**
 * Reads a ZIP with node:zlib only: the end-of-central-directory record, each central directory
 * entry, then the local header and the (stored or deflated) data. Enough for the bundles the project
 * writes (no ZIP64, no encryption); it throws on anything else so a test never passes on a misread.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory: not a ZIP');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${n}`);
    const method = zip.readUInt16LE(at + 10);
    const dosTime = zip.readUInt16LE(at + 12);
    const dosDate = zip.readUInt16LE(at + 14);
    const crc32 = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    let content: Buffer;
    if (method === 0) content = Buffer.from(raw);
    else if (method === 8) content = inflateRawSync(raw);
    else throw new Error(`compression method ${method} of ${name} is not supported`);
    entries.push({ name, content, dosDate, dosTime, method, crc32 });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
