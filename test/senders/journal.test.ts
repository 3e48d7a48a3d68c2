import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CfdiLayoutError } from '../../src/errors.js';
import { countOutcomes, exitCodeOf, mapPool } from '../../src/senders/batch.js';
import { openJournal } from '../../src/senders/journal.js';

const dir = () => mkdtempSync(join(tmpdir(), 'journal-'));

describe('journal', () => {
  it('appends one JSON line per entry and remembers the last per item', async () => {
    const path = join(dir(), 'j.jsonl');
    const journal = await openJournal(path, {
      now: () => new Date('2025-01-01T00:00:00Z'),
      redact: (t) => t.replaceAll('KEY', '***'),
    });
    await journal.append({ op: 'op', key: 'a', digest: 'd1', status: 'sending' });
    await journal.append({ op: 'op', key: 'a', digest: 'd1', status: 'stored', result: { link: '/KEY/x' } });
    await journal.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? '')).toEqual({
      op: 'op',
      key: 'a',
      digest: 'd1',
      status: 'stored',
      result: { link: '/***/x' },
      at: '2025-01-01T00:00:00.000Z',
    });
    const again = await openJournal(path);
    expect(again.last('op', 'a')?.status).toBe('stored');
    expect(again.last('op', 'b')).toBeUndefined();
    await again.close();
  });

  it('ignores a last line cut short by a killed process, and continues on a new line', async () => {
    const path = join(dir(), 'j.jsonl');
    writeFileSync(
      path,
      '{"op":"op","key":"a","digest":"d","status":"stored","at":"x"}\n{"op":"op","key":"b","dig',
    );
    const journal = await openJournal(path);
    expect(journal.last('op', 'a')?.status).toBe('stored');
    expect(journal.last('op', 'b')).toBeUndefined();
    await journal.append({ op: 'op', key: 'b', digest: 'd', status: 'stored' });
    await journal.close();
    const reopened = await openJournal(path);
    expect(reopened.last('op', 'b')?.status).toBe('stored');
    await reopened.close();
  });

  it('refuses a damaged line in the middle', async () => {
    const path = join(dir(), 'j.jsonl');
    writeFileSync(path, 'garbage\n');
    appendFileSync(path, '{"op":"op","key":"a","digest":"d","status":"stored","at":"x"}\n');
    await expect(openJournal(path)).rejects.toSatisfy(
      (e) => e instanceof CfdiLayoutError && e.code === 'JOURNAL_INVALID',
    );
  });
});

describe('batch helpers', () => {
  it('bounds concurrency and keeps input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it('maps outcomes to exit codes: 2 transport, 1 refused, 0 stored', () => {
    const o = (status: 'stored' | 'refused' | 'failed' | 'answered') => ({ status, issues: [], attempts: 1 });
    expect(exitCodeOf([o('stored'), o('answered')])).toBe(0);
    expect(exitCodeOf([o('stored'), o('refused')])).toBe(1);
    expect(exitCodeOf([o('refused'), o('failed')])).toBe(2);
    expect(
      exitCodeOf([
        { status: 'stored', issues: [{ code: 'X', path: [], message: 'm', severity: 'error' }], attempts: 1 },
      ]),
    ).toBe(1);
    expect(countOutcomes([{ ...o('stored'), index: 0, key: 'k', resumed: true }])).toMatchObject({
      stored: 1,
      resumed: 1,
    });
  });
});
