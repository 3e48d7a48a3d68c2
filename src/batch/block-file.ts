import { close, open, write } from 'node:fs';
import { Writable } from 'node:stream';

/** Bytes gathered before a write to the file. */
const BLOCK_BYTES = 1 << 20;

/**
 * A file written in blocks of 1 MB, for a producer that hands over many small chunks: archiver
 * writes a ZIP entry as a local header, its compressed data and a descriptor, and a file stream sent
 * each (or each few) to the thread pool as a write of its own, one more round trip per entry beside
 * the two of the entry's deflate. Each chunk is copied into the block and acknowledged at once; a
 * full block is written before the chunk that follows it is acknowledged, so back-pressure holds.
 * Bytes are those written, in order; the file is created or truncated when the stream opens.
 */
export class BlockFileStream extends Writable {
  private fd: number | undefined;
  private block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;

  constructor(readonly path: string) {
    super({ highWaterMark: BLOCK_BYTES });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'w', (err, fd) => {
      if (err === null) this.fd = fd;
      callback(err);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.used + chunk.length <= this.block.length) {
      this.used += chunk.copy(this.block, this.used);
      callback();
      return;
    }
    // The block is full: it goes to the file, and the chunk starts the next one (or, larger than a
    // block, follows it as it is).
    this.flush((err) => {
      if (err !== null) {
        callback(err);
        return;
      }
      if (chunk.length > this.block.length) this.writeAll(chunk, callback);
      else {
        this.used = chunk.copy(this.block, 0);
        callback();
      }
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush((err) => callback(err));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.fd === undefined) {
      callback(error);
      return;
    }
    const fd = this.fd;
    this.fd = undefined;
    close(fd, (err) => callback(error ?? err));
  }

  private flush(done: (err: Error | null) => void): void {
    if (this.used === 0) {
      done(null);
      return;
    }
    const data = this.block.subarray(0, this.used);
    // The write keeps its bytes until it completes: the next chunks go to a new block.
    this.block = Buffer.allocUnsafe(BLOCK_BYTES);
    this.used = 0;
    this.writeAll(data, done);
  }

  private writeAll(data: Buffer, done: (err: Error | null) => void): void {
    write(this.fd as number, data, 0, data.length, null, (err, written) => {
      if (err !== null) done(err);
      else if (written < data.length) this.writeAll(data.subarray(written), done);
      else done(null);
    });
  }
}
