import { describe, expect, it } from 'vitest';

import type { Contact } from '../bindings/Contact';
import type { Ticket } from '../bindings/Ticket';
import { editOf, offered, patchOf, unauthorisedRequester } from './intake';

const contact = (id: string, authorised: boolean, archived = false): Contact => ({
  id,
  client_id: 'c1',
  name: `Contatto ${id}`,
  role: null,
  email: null,
  phone: null,
  authorised,
  notes: null,
  archived,
});

const ticket = {
  id: 't1',
  number: 'T-2026-MR-0001',
  client_id: 'c1',
  contact_id: 'k1',
  site_id: null,
  origin: 'phone',
  severity: 'degraded',
  urgent: false,
  category: null,
  is_bug: false,
  title: 'Stampante',
  description: null,
  assigned_technician_id: 'tech1',
} as unknown as Ticket;

describe('intake', () => {
  it('warns about a requester that is not authorised, never about an authorised one or none', () => {
    const list = [contact('k1', true), contact('k2', false)];
    expect(unauthorisedRequester(list, 'k2')?.id).toBe('k2');
    expect(unauthorisedRequester(list, 'k1')).toBeNull();
    expect(unauthorisedRequester(list, '')).toBeNull();
  });

  it('offers archived contacts only when already chosen', () => {
    const list = [contact('k1', true), contact('k2', true, true)];
    expect(offered(list, '').map((c) => c.id)).toEqual(['k1']);
    expect(offered(list, 'k2').map((c) => c.id)).toEqual(['k1', 'k2']);
  });

  it('an edit sends only what changed; an emptied requester is null', () => {
    const same = editOf(ticket);
    expect(patchOf(ticket, same)).toEqual({});
    const changed = { ...same, title: 'Stampante rotta', category: ' Stampanti ', isBug: true, contactId: '' };
    expect(patchOf(ticket, changed)).toEqual({
      title: 'Stampante rotta',
      category: 'Stampanti',
      is_bug: true,
      contact_id: null,
    });
    expect(patchOf(ticket, { ...same, contactId: 'k2', assigneeId: 'tech2' })).toEqual({
      contact_id: 'k2',
      assigned_technician_id: 'tech2',
    });
  });
});
