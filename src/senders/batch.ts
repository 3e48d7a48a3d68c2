import { createHash } from 'node:crypto';
import { error, type Issue, issueToJson } from '../issues.js';
import type { HttpClient } from './http.js';
import type { Journal, JournalEntry } from './journal.js';
import {
  type Operation,
  OUTCOME_STATUSES,
  OUTCOME_UNKNOWN,
  type Outcome,
  type OutcomeStatus,
  perform,
} from './outcome.js';

/** One item of a batch: its natural key and the operation's input. */
export interface BatchItem<I> {
  readonly key: string;
  readonly input: I;
  /** SHA-256 of what is sent; defaults to {@link digestOf} of the input. */
  readonly digest?: string;
}

/** An item's outcome within a batch. */
export interface ItemOutcome<R> extends Outcome<R> {
  /** Position of the item in the input, from 0. */
  readonly index: number;
  readonly key: string;
  /** True when the outcome comes from the journal of an earlier run and nothing was sent. */
  readonly resumed: boolean;
}

/** Options shared by every batch sender. */
export interface BatchOptions {
  /** Records each outcome and skips items an earlier run already stored. */
  readonly journal?: Journal | undefined;
  /** Requests in flight at once. Defaults to 4. */
  readonly concurrency?: number | undefined;
  /** Sends again items whose earlier `once` request had an unknown outcome. Defaults to false. */
  readonly resendUnknown?: boolean | undefined;
  /** Called as each item ends, in completion order (progress). */
  readonly onOutcome?: ((outcome: ItemOutcome<unknown>) => void) | undefined;
  /**
   * Saves what an item produced (a stamped XML) before its outcome is journaled, so whatever the
   * journal calls done exists even if the run is killed right after.
   */
  readonly persist?: ((outcome: ItemOutcome<unknown>) => Promise<void>) | undefined;
}

/** Every outcome of a batch, in input order, with counts per status. */
export interface BatchReport<R> {
  readonly outcomes: ReadonlyArray<ItemOutcome<R>>;
  readonly counts: Readonly<Record<OutcomeStatus | 'resumed', number>>;
}

/** SHA-256 (hex) of a JSON-like value; bytes are hashed as base64 so binary inputs digest stably. */
export function digestOf(value: unknown): string {
  const json = JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
  );
  return createHash('sha256')
    .update(json ?? 'undefined')
    .digest('hex');
}

/** Runs `task` over `items` with at most `concurrency` in flight; results keep input order. */
export async function mapPool<T, U>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<U>,
): Promise<U[]> {
  const results = new Array<U>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Counts outcomes per status, plus how many were resumed from a journal. */
export function countOutcomes(
  outcomes: ReadonlyArray<ItemOutcome<unknown>>,
): Record<OutcomeStatus | 'resumed', number> {
  const counts = Object.fromEntries([...OUTCOME_STATUSES, 'resumed'].map((s) => [s, 0])) as Record<
    OutcomeStatus | 'resumed',
    number
  >;
  for (const o of outcomes) {
    counts[o.status]++;
    if (o.resumed) counts.resumed++;
  }
  return counts;
}

/**
 * The CLI exit code of a set of outcomes: 2 on a transport failure, 1 when the provider refused
 * something (a refused, conflicting or unknown item, or an error issue inside a stored one, such as
 * one file of a timbrado masivo), else 0.
 */
export function exitCodeOf(outcomes: ReadonlyArray<Outcome<unknown>>): 0 | 1 | 2 {
  if (outcomes.some((o) => o.status === 'failed')) return 2;
  if (outcomes.some((o) => o.status === 'refused' || o.status === 'conflict' || o.status === 'unknown'))
    return 1;
  if (outcomes.some((o) => o.issues.some((i) => i.severity === 'error'))) return 1;
  return 0;
}

function fromEntry<R>(entry: JournalEntry, index: number): ItemOutcome<R> {
  const issues: Issue[] = (entry.issues ?? []).map((i) => ({
    code: i.code,
    path: i.path === '' ? [] : i.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
    message: i.message,
    severity: i.severity,
  }));
  return {
    index,
    key: entry.key,
    status: entry.status === 'sending' ? 'unknown' : entry.status,
    result: entry.result as R,
    issues:
      entry.status === 'sending'
        ? [
            error(
              OUTCOME_UNKNOWN,
              [],
              `${entry.op}: an earlier run sent this item and stopped before the answer; check with the provider, then rerun with --resend-unknown if it is missing`,
            ),
          ]
        : issues,
    attempts: 0,
    resumed: true,
  };
}

/** What a journal says about an item before it is sent. */
export type JournalVerdict<R> =
  | { readonly kind: 'send' }
  | { readonly kind: 'done'; readonly outcome: ItemOutcome<R> }
  | { readonly kind: 'uncertain'; readonly outcome: ItemOutcome<R> };

/**
 * Decides from the journal whether an item must be sent: `done` when an earlier run stored or
 * answered exactly this content, `uncertain` when an earlier `once` request had no answer, else `send`.
 */
export function journalVerdict<R>(
  journal: Journal | undefined,
  op: string,
  key: string,
  digest: string,
  index: number,
  resendUnknown: boolean,
): JournalVerdict<R> {
  const entry = journal?.last(op, key);
  if (entry === undefined || entry.digest !== digest) return { kind: 'send' };
  if (entry.status === 'stored' || entry.status === 'answered')
    return { kind: 'done', outcome: fromEntry(entry, index) };
  if ((entry.status === 'sending' || entry.status === 'unknown') && !resendUnknown) {
    return { kind: 'uncertain', outcome: fromEntry(entry, index) };
  }
  return { kind: 'send' };
}

/** Writes an outcome to the journal (issues with dotted paths; `shape` picks what of the result to keep). */
export async function journalOutcome(
  journal: Journal | undefined,
  op: string,
  key: string,
  digest: string,
  outcome: Outcome<unknown>,
  shape: (result: unknown) => unknown = (r) => r,
): Promise<void> {
  if (journal === undefined) return;
  await journal.append({
    op,
    key,
    digest,
    status: outcome.status,
    ...(outcome.result === undefined ? {} : { result: shape(outcome.result) }),
    ...(outcome.issues.length === 0 ? {} : { issues: outcome.issues.map(issueToJson) }),
  });
}

/**
 * Sends one operation per item with bounded concurrency. With a journal, items an earlier run
 * stored are not sent again, a `once` request is journaled as `sending` before it leaves (so a run
 * killed at any moment knows what may have reached the provider), and each outcome is appended as
 * soon as it is known.
 */
export async function sendBatch<I, R>(
  client: HttpClient,
  op: Operation<I, R>,
  items: ReadonlyArray<BatchItem<I>>,
  options: BatchOptions = {},
): Promise<BatchReport<R>> {
  const { journal } = options;
  const outcomes = await mapPool(
    items,
    options.concurrency ?? 4,
    async (item, index): Promise<ItemOutcome<R>> => {
      const digest = item.digest ?? digestOf(item.input);
      const verdict = journalVerdict<R>(
        journal,
        op.name,
        item.key,
        digest,
        index,
        options.resendUnknown === true,
      );
      let outcome: ItemOutcome<R>;
      const found =
        verdict.kind === 'uncertain' && op.lookup !== undefined ? await op.lookup(item.input) : undefined;
      if (verdict.kind === 'done') {
        outcome = verdict.outcome;
      } else if (verdict.kind === 'uncertain' && found === undefined) {
        outcome = verdict.outcome;
      } else {
        if (found !== undefined && found !== 'absent')
          outcome = { ...found, index, key: item.key, resumed: false };
        else {
          if (op.safety === 'once')
            await journal?.append({ op: op.name, key: item.key, digest, status: 'sending' });
          outcome = { ...(await perform(client, op, item.input)), index, key: item.key, resumed: false };
        }
        await options.persist?.(outcome as ItemOutcome<unknown>);
        const shape = op.journalResult;
        await journalOutcome(
          journal,
          op.name,
          item.key,
          digest,
          outcome,
          shape === undefined ? undefined : (r) => shape(r as R),
        );
      }
      options.onOutcome?.(outcome as ItemOutcome<unknown>);
      return outcome;
    },
  );
  return { outcomes, counts: countOutcomes(outcomes as ReadonlyArray<ItemOutcome<unknown>>) };
}
