import { CfdiLayoutError } from '../errors.js';
import { error, type Issue } from '../issues.js';
import type { HttpClient, HttpRequest, HttpResponse, Safety } from './http.js';
import { SenderError } from './http.js';

/**
 * How one item ended:
 * - `stored`: the provider holds it (created now, or found identical from an earlier attempt);
 * - `answered`: a query was answered (including "nothing found");
 * - `refused`: the provider said no (validation, not found, not editable), with its texts as issues;
 * - `conflict`: the natural key exists at the provider with different data;
 * - `unknown`: a `once` request may have been processed and no lookup could tell; never resent blindly;
 * - `failed`: transport failure after every allowed attempt (network, timeout, 5xx, unreadable answer).
 */
export type OutcomeStatus = 'stored' | 'answered' | 'refused' | 'conflict' | 'unknown' | 'failed';

/** Every {@link OutcomeStatus}, in report order. */
export const OUTCOME_STATUSES: readonly OutcomeStatus[] = [
  'stored',
  'answered',
  'refused',
  'conflict',
  'unknown',
  'failed',
];

/** The result of one provider operation on one item. */
export interface Outcome<R> {
  readonly status: OutcomeStatus;
  readonly result?: R | undefined;
  readonly issues: readonly Issue[];
  /** HTTP attempts it took (0 when nothing was sent). */
  readonly attempts: number;
}

/**
 * One provider operation as data: how to build its request, how safe it is to repeat, how to read
 * the answer, and (for `once` operations) how to find out whether an unanswered request took effect.
 */
export interface Operation<I, R> {
  /** Dotted name for logs and the journal (`tralix.tickets.put`). */
  readonly name: string;
  readonly safety: Safety;
  request(input: I): HttpRequest;
  parse(response: HttpResponse, input: I): Outcome<R>;
  /**
   * Finds the effect of a request that may have been processed: its outcome when found, `absent`
   * when the provider certainly does not hold it (so sending again is safe), `undefined` when it
   * cannot tell.
   */
  lookup?(input: I): Promise<Outcome<R> | 'absent' | undefined>;
  /** What of a result the journal keeps (a stamped CFDI's UUID, not its whole XML). Defaults to all of it. */
  journalResult?(result: R): unknown;
}

/** Issue code of an item whose `once` request may or may not have taken effect. */
export const OUTCOME_UNKNOWN = 'SENDER_OUTCOME_UNKNOWN';

/** The outcome of an item whose request may have reached the provider with no way to check. */
export function unknownOutcome<R>(name: string, reason: string, attempts: number): Outcome<R> {
  return {
    status: 'unknown',
    issues: [
      error(
        OUTCOME_UNKNOWN,
        [],
        `${name}: ${reason}; it may have been processed, so it was not resent: check with the provider, then rerun with --resend-unknown if it is missing`,
      ),
    ],
    attempts,
  };
}

/**
 * Sends one operation and maps every ending to an {@link Outcome}: transport failures become
 * `failed`, and a `once` request that may have been processed is looked up, never resent. Issue
 * messages are masked (a provider may echo a credential); the result is the provider's data as sent.
 */
export async function perform<I, R>(client: HttpClient, op: Operation<I, R>, input: I): Promise<Outcome<R>> {
  const outcome = await performOnce(client, op, input, false);
  return { ...outcome, issues: outcome.issues.map((i) => ({ ...i, message: client.redact(i.message) })) };
}

async function performOnce<I, R>(
  client: HttpClient,
  op: Operation<I, R>,
  input: I,
  resent: boolean,
): Promise<Outcome<R>> {
  let response: HttpResponse;
  try {
    response = await client.send(op.request(input), { safety: op.safety, operation: op.name });
  } catch (err) {
    if (!(err instanceof SenderError)) throw err;
    if (op.safety === 'once' && err.details.maybeProcessed)
      return settleUnknown(client, op, input, err.message, err.details.attempts, resent);
    return { status: 'failed', issues: [error(err.code, [], err.message)], attempts: err.details.attempts };
  }
  try {
    return { ...op.parse(response, input), attempts: response.attempts };
  } catch (err) {
    if (!(err instanceof CfdiLayoutError)) throw err;
    const message = client.redact(err.message);
    if (op.safety === 'once' && response.status < 400)
      return settleUnknown(client, op, input, message, response.attempts, resent);
    return { status: 'failed', issues: [error(err.code, [], message)], attempts: response.attempts };
  }
}

async function settleUnknown<I, R>(
  client: HttpClient,
  op: Operation<I, R>,
  input: I,
  reason: string,
  attempts: number,
  resent: boolean,
): Promise<Outcome<R>> {
  if (op.lookup !== undefined) {
    const found = await op.lookup(input);
    if (found === 'absent' && !resent) {
      const again = await performOnce(client, op, input, true);
      return { ...again, attempts: attempts + again.attempts };
    }
    if (found !== undefined && found !== 'absent') return { ...found, attempts: attempts + found.attempts };
  }
  return unknownOutcome(op.name, reason, attempts);
}
