import { type FileHandle, open, readFile, truncate } from 'node:fs/promises';
import { z } from 'zod';
import { CfdiLayoutError } from '../errors.js';
import type { IssueJson } from '../issues.js';
import type { OutcomeStatus } from './outcome.js';
import { redactDeep } from './secret.js';

/** A journal line's status: an outcome, or `sending` written just before a `once` request goes out. */
export type JournalStatus = OutcomeStatus | 'sending';

/** One line of a journal (JSON lines, append-only): the latest line of an (op, key) wins. */
export interface JournalEntry {
  readonly op: string;
  /** The item's natural key (`sucursal/numeroTicket`, a folio, a content hash). */
  readonly key: string;
  /** SHA-256 of what was sent, so an edited item is sent again. */
  readonly digest: string;
  readonly status: JournalStatus;
  /** ISO instant the line was written. */
  readonly at: string;
  readonly result?: unknown;
  readonly issues?: readonly IssueJson[];
}

const JournalEntrySchema = z.object({
  op: z.string(),
  key: z.string(),
  digest: z.string(),
  status: z.enum(['stored', 'answered', 'refused', 'conflict', 'unknown', 'failed', 'sending']),
  at: z.string(),
  result: z.unknown().optional(),
  issues: z
    .array(
      z.object({
        code: z.string(),
        path: z.string(),
        message: z.string(),
        severity: z.enum(['error', 'warning']),
      }),
    )
    .optional(),
});

/** An open journal: the last entry per item, and appends that are written before they resolve. */
export interface Journal {
  readonly path: string;
  /** The latest entry of an item, `undefined` when the journal never saw it. */
  last(op: string, key: string): JournalEntry | undefined;
  /** Appends one line; resolves once the line is handed to the operating system (fsync'd with `fsync`). */
  append(entry: Omit<JournalEntry, 'at'>): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link openJournal}. */
export interface JournalOptions {
  /** Clock for the `at` field. Defaults to `() => new Date()`. */
  readonly now?: () => Date;
  /** Masks secrets in results and issues before they are written. Defaults to identity. */
  readonly redact?: (text: string) => string;
  /** Calls fdatasync after every line, surviving power loss too. Defaults to false (kill -9 safe). */
  readonly fsync?: boolean;
}

function entryId(op: string, key: string): string {
  return `${op}\u0000${key}`;
}

/**
 * Opens (or creates) a journal file. A last line cut short by a killed process is ignored and cut
 * off; any other unreadable line is `JOURNAL_INVALID`.
 */
export async function openJournal(path: string, options: JournalOptions = {}): Promise<Journal> {
  const now = options.now ?? (() => new Date());
  const redact = options.redact ?? ((text: string) => text);
  const latest = new Map<string, JournalEntry>();
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new CfdiLayoutError(
        'IO',
        `cannot read journal ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        {
          cause: err,
          location: { file: path },
        },
      );
    }
  }
  const lines = text.split('\n');
  const torn = !text.endsWith('\n') && text !== '';
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const isLast = i === lines.length - 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      // A process killed mid-write leaves at most its last line incomplete; it recorded nothing final.
      if (isLast && torn) return;
      throw new CfdiLayoutError('JOURNAL_INVALID', `journal line ${i + 1} is not JSON`, {
        cause: err,
        location: { file: path, line: i + 1 },
      });
    }
    const entry = JournalEntrySchema.safeParse(parsed);
    if (!entry.success) {
      if (isLast && torn) return;
      throw new CfdiLayoutError(
        'JOURNAL_INVALID',
        `journal line ${i + 1} is not a journal entry: ${entry.error.issues[0]?.message ?? ''}`,
        {
          location: { file: path, line: i + 1 },
        },
      );
    }
    latest.set(entryId(entry.data.op, entry.data.key), entry.data as JournalEntry);
  });
  let handle: FileHandle;
  try {
    // Drop the fragment a killed process left, so the next line starts clean.
    if (torn) await truncate(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1), 'utf8'));
    handle = await open(path, 'a');
  } catch (err) {
    throw new CfdiLayoutError(
      'IO',
      `cannot open journal ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        cause: err,
        location: { file: path },
      },
    );
  }
  let queue: Promise<void> = Promise.resolve();
  return {
    path,
    last: (op, key) => latest.get(entryId(op, key)),
    append(entry) {
      const full: JournalEntry = redactDeep({ ...entry, at: now().toISOString() }, redact);
      latest.set(entryId(full.op, full.key), full);
      const line = `${JSON.stringify(full)}\n`;
      // One write per line, queued so concurrent workers never interleave partial lines.
      queue = queue.then(async () => {
        await handle.write(line);
        if (options.fsync === true) await handle.datasync();
      });
      return queue;
    },
    async close() {
      await queue;
      await handle.close();
    },
  };
}
