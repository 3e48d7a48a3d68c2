import { createWriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { CfdiLayoutError } from '../errors.js';

/** Bytes gathered before a write. */
const SINK_CHUNK = 1 << 16;
/** Bytes read from a file per write by {@link LineSink.file}. */
const FILE_CHUNK = 1 << 18;

/**
 * Gathers text lines into large writes that wait for drain. Text is encoded straight into a byte
 * buffer (no joined string, no second copy for the encoding).
 */
export class LineSink {
  private chunk = Buffer.allocUnsafe(SINK_CHUNK);
  private used = 0;

  /** `end`: whether {@link LineSink.close} ends the stream (not for a stream the caller keeps, such as stdout). */
  constructor(
    private readonly stream: Writable,
    private readonly end = true,
  ) {}

  /** Adds one line (a newline is appended). */
  async line(text: string): Promise<void> {
    await this.put(text);
    if (this.used === this.chunk.length) await this.flush();
    this.chunk[this.used++] = 0x0a;
  }

  /** Adds text as it is. */
  async write(text: string): Promise<void> {
    await this.put(text);
  }

  private async put(text: string): Promise<void> {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.used + text.length * 3 > this.chunk.length) {
      await this.flush();
      if (text.length * 3 > this.chunk.length) {
        await this.bytes(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.chunk.write(text, this.used, 'utf8');
  }

  /** Adds bytes already encoded (lines with their newlines). */
  async bytes(data: Uint8Array): Promise<void> {
    await this.flush();
    await this.send(data);
  }

  /**
   * Adds the bytes of a file (lines already encoded, such as a worker thread's part of the output),
   * through one reused buffer: each piece is written before the next is read.
   */
  async file(path: string): Promise<void> {
    await this.flush();
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(FILE_CHUNK);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        await new Promise<void>((done, fail) => {
          this.stream.write(buffer.subarray(0, bytesRead), (err) => (err ? fail(err) : done()));
        });
      }
    } finally {
      await handle.close();
    }
  }

  private send(data: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ok = this.stream.write(data, (err) => {
        if (err) reject(err);
      });
      if (ok) resolve();
      else this.stream.once('drain', () => resolve());
    });
  }

  /** Writes what is gathered. */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    // The stream keeps the bytes until they are written: the next lines go to a new buffer.
    const data = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(SINK_CHUNK);
    this.used = 0;
    await this.send(data);
  }

  /** Flushes and, unless the stream is kept open, ends it. */
  async close(): Promise<void> {
    await this.flush();
    if (!this.end) return;
    await new Promise<void>((done, fail) => {
      this.stream.once('error', fail);
      this.stream.end(() => done());
    });
  }
}

/** Opens a file for lines, creating its folder unless `createFolder` is false; failures are `IO` errors. */
export async function openLineFile(path: string, createFolder = true): Promise<LineSink> {
  if (createFolder) await mkdir(dirname(resolve(path)), { recursive: true });
  const stream = createWriteStream(path);
  await new Promise<void>((done, fail) => {
    stream.once('open', () => done());
    stream.once('error', (err) =>
      fail(
        new CfdiLayoutError(
          'IO',
          `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
          { cause: err },
        ),
      ),
    );
  });
  return new LineSink(stream);
}
