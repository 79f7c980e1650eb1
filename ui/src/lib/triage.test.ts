import { describe, expect, it } from 'vitest';

import type { AttachmentRow } from '../bindings/AttachmentRow';
import { attachmentState, bodyPreview, byRequest, formatSize, senderLabel, shortHash, triageReason } from './triage';

const att = (id: string, request_id: string, kept = true, here = true): AttachmentRow => ({
  id,
  request_id,
  name: `${id}.txt`,
  mime_type: 'text/plain',
  size: 10,
  sha256: 'ab'.repeat(32),
  kept,
  here,
});

describe('triage words', () => {
  it('names the sender as the mail did', () => {
    expect(senderLabel({ sender_name: 'Luca Neri', sender_email: 'luca@nuovo.it' })).toBe('Luca Neri <luca@nuovo.it>');
    expect(senderLabel({ sender_name: null, sender_email: 'luca@nuovo.it' })).toBe('luca@nuovo.it');
    expect(senderLabel({ sender_name: '  ', sender_email: null })).toBe('—');
  });

  it('previews a body on one line, cut with an ellipsis', () => {
    expect(bodyPreview('Buongiorno,\n\n  la stampante   non va.')).toBe('Buongiorno, la stampante non va.');
    expect(bodyPreview(null)).toBe('');
    const long = 'parola '.repeat(100);
    const p = bodyPreview(long, 20);
    expect(p.length).toBeLessThanOrEqual(20);
    expect(p.endsWith('…')).toBe(true);
  });

  it('sizes in Italian', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1,5 kB');
    expect(formatSize(30 * 1024 * 1024)).toBe('30,0 MB');
  });

  it('shortens a hash and groups attachments by request', () => {
    expect(shortHash('0123456789abcdef')).toBe('0123456789ab');
    const g = byRequest([att('a', 'r1'), att('b', 'r2'), att('c', 'r1')]);
    expect([...g.keys()]).toEqual(['r1', 'r2']);
    expect(g.get('r1')?.map((a) => a.id)).toEqual(['a', 'c']);
  });

  it('says where an attachment is', () => {
    expect(attachmentState({ kept: true, here: true })).toBe('here');
    expect(attachmentState({ kept: true, here: false })).toBe('hub');
    expect(attachmentState({ kept: false, here: false })).toBe('not_kept');
  });
});

describe('triage reasons', () => {
  it('reads core’s words', () => {
    expect(triageReason('unknown_sender')).toBe('unknown_sender');
    expect(triageReason('ticket_refused: CONTRACT_EXPIRED')).toBe('ticket_refused');
    expect(triageReason('something_new')).toBeNull();
    expect(triageReason(null)).toBeNull();
  });
});
