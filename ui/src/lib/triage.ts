// "Da smistare" and a ticket's customer history in the UI, as pure functions (unit-tested): who
// sent a request, a short preview of its body, sizes in Italian, a hash shortened for the eye,
// the attachments grouped by the request they came with. The rules (who may assign, what a
// rejection does) are core's.

import type { AttachmentRow } from '../bindings/AttachmentRow';
import type { RequestRow } from '../bindings/RequestRow';

/** "Luca Neri <luca@nuovo.it>", or the address alone, or a dash when the mail had no sender. */
export function senderLabel(r: Pick<RequestRow, 'sender_name' | 'sender_email'>): string {
  const name = r.sender_name?.trim();
  const email = r.sender_email?.trim();
  if (name && email) return `${name} <${email}>`;
  return email || name || '—';
}

/** The first `max` characters of the body on one line (blank lines and runs of spaces folded). */
export function bodyPreview(body: string | null | undefined, max = 240): string {
  const flat = (body ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** 512 B, 1,5 kB, 2,3 MB (powers of 1024, one decimal, Italian comma). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1).replace('.', ',')} ${units[unit]}`;
}

/** The first 12 hex digits of a SHA-256: enough to compare two copies by eye. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/** The attachments grouped by request id, each group in the order core gave. */
export function byRequest(rows: readonly AttachmentRow[]): Map<string, AttachmentRow[]> {
  const out = new Map<string, AttachmentRow[]>();
  for (const a of rows) {
    const group = out.get(a.request_id);
    if (group) group.push(a);
    else out.set(a.request_id, [a]);
  }
  return out;
}

/** What a listed attachment offers: save it (here), say the hub keeps it, or that nobody kept it. */
export function attachmentState(a: Pick<AttachmentRow, 'kept' | 'here'>): 'here' | 'hub' | 'not_kept' {
  if (a.here) return 'here';
  return a.kept ? 'hub' : 'not_kept';
}

export const TRIAGE_REASONS = ['unknown_sender', 'several_clients', 'no_sender', 'unverified_reply', 'ticket_refused'] as const;
export type TriageReason = (typeof TRIAGE_REASONS)[number];

/** Why core sent a request to triage, as one of its stable words (`ticket_refused: CODE` →
 * `ticket_refused`), or null for a word this UI does not know. */
export function triageReason(reason: string | null | undefined): TriageReason | null {
  const word = (reason ?? '').split(':')[0]?.trim();
  return TRIAGE_REASONS.find((r) => r === word) ?? null;
}
