// Customer mail in the UI: which actions a message's row offers, the words of its state, and the
// tally of "Invia a tutti". The rules themselves are core's (retry/cancel refuse what they must);
// these only decide which buttons to show.

import type { Message } from '../bindings/Message';
import type { StatementMailResult } from '../bindings/StatementMailResult';

/** "Rinvia" for what did not go (failed, deferred, held). */
export function canRetry(m: Pick<Message, 'status'>): boolean {
  return m.status === 'failed' || m.status === 'deferred' || m.status === 'held';
}

/** "Annulla" for what has not gone yet. */
export function canCancel(m: Pick<Message, 'status'>): boolean {
  return m.status !== 'sent' && m.status !== 'cancelled';
}

/** The server's reply is worth showing when the message did not go. */
export function showReply(m: Pick<Message, 'status' | 'last_reply'>): boolean {
  return !!m.last_reply && (m.status === 'failed' || m.status === 'deferred');
}

export type StatementTally = { queued: number; held: number; already: number; notWanted: number; failed: number };

/** How many clients ended in each outcome. */
export function tally(results: readonly StatementMailResult[]): StatementTally {
  const out: StatementTally = { queued: 0, held: 0, already: 0, notWanted: 0, failed: 0 };
  for (const r of results) {
    if (r.outcome === 'queued') out.queued++;
    else if (r.outcome === 'held') out.held++;
    else if (r.outcome === 'already_queued') out.already++;
    else if (r.outcome === 'not_wanted') out.notWanted++;
    else out.failed++;
  }
  return out;
}

/** `YYYY-MM` → [year, month]. */
export function monthParts(month: string): [number, number] {
  const [y = 0, m = 0] = month.split('-').map(Number);
  return [y, m];
}
