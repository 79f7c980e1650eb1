import { describe, expect, it } from 'vitest';

import type { StatementMailResult } from '../bindings/StatementMailResult';
import { canCancel, canRetry, monthParts, showReply, tally } from './mail';

describe('mail rows', () => {
  it('offers retry only for what did not go, cancel for what has not gone', () => {
    expect(canRetry({ status: 'failed' })).toBe(true);
    expect(canRetry({ status: 'held' })).toBe(true);
    expect(canRetry({ status: 'sent' })).toBe(false);
    expect(canRetry({ status: 'queued' })).toBe(false);
    expect(canCancel({ status: 'queued' })).toBe(true);
    expect(canCancel({ status: 'sent' })).toBe(false);
    expect(canCancel({ status: 'cancelled' })).toBe(false);
  });
  it("shows the server's reply on a failure, not on success", () => {
    expect(showReply({ status: 'failed', last_reply: '550 5.1.1 no such user' })).toBe(true);
    expect(showReply({ status: 'sent', last_reply: '250 ok' })).toBe(false);
    expect(showReply({ status: 'deferred', last_reply: null })).toBe(false);
  });
  it('tallies the batch per outcome', () => {
    const r = (outcome: StatementMailResult['outcome']): StatementMailResult => ({
      client_id: 'c',
      client_name: 'x',
      outcome,
      message_id: null,
      error: null,
    });
    expect(tally([r('queued'), r('queued'), r('held'), r('already_queued'), r('failed')])).toEqual({
      queued: 2,
      held: 1,
      already: 1,
      notWanted: 0,
      failed: 1,
    });
    expect(monthParts('2026-11')).toEqual([2026, 11]);
  });
});
