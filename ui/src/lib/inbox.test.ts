import { describe, expect, it } from 'vitest';

import { mailboxForm, mailboxInput } from './inbox';

describe('mailbox form', () => {
  it('starts with a usual mailbox and round-trips settings', () => {
    const empty = mailboxForm(null);
    expect(empty.name).toBe('assistenza');
    expect(empty.security).toBe('implicit');
    const m = {
      name: 'telecom',
      host: 'imap.negozio.it',
      port: 143,
      security: 'starttls' as const,
      user: 'tlc@negozio.it',
      folder: 'Supporto',
      category: 'Telefonia',
    };
    expect(mailboxInput(mailboxForm(m))).toEqual(m);
  });

  it('leaves out empty fields and sends a bad port for core to refuse', () => {
    const f = { ...mailboxForm(null), host: ' imap.x.it ', user: 'u', folder: '  ', port: '99999' };
    expect(mailboxInput(f)).toEqual({ name: 'assistenza', host: 'imap.x.it', security: 'implicit', user: 'u', port: 0 });
    expect(mailboxInput({ ...f, port: '' }).port).toBeUndefined();
  });
});
