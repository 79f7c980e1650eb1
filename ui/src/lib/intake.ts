// The front desk's intake and ticket editing, as pure functions (unit-tested): which contacts and
// sites to offer, the authorised-requester warning, the patch an edit sends.

import type { Contact } from '../bindings/Contact';
import type { Site } from '../bindings/Site';
import type { Ticket } from '../bindings/Ticket';
import type { TicketPatch } from '../bindings/TicketPatch';

/** Active contacts/sites, plus an archived one when it is the current choice (an old ticket). */
export function offered<T extends Contact | Site>(items: T[], chosen: string): T[] {
  return items.filter((i) => !i.archived || i.id === chosen);
}

/** The chosen requester when core's flag says they may not open requests for the client: the form
 * warns, it does not block (the front desk may still take the call). */
export function unauthorisedRequester(contacts: Contact[], contactId: string): Contact | null {
  const c = contacts.find((x) => x.id === contactId);
  return c && !c.authorised ? c : null;
}

/** What the edit form holds: the ticket's editable details as form values. */
export type TicketEdit = {
  title: string;
  description: string;
  severity: Ticket['severity'];
  urgent: boolean;
  category: string;
  isBug: boolean;
  assigneeId: string;
  contactId: string;
};

export function editOf(t: Ticket): TicketEdit {
  return {
    title: t.title,
    description: t.description ?? '',
    severity: t.severity,
    urgent: t.urgent,
    category: t.category ?? '',
    isBug: t.is_bug,
    assigneeId: t.assigned_technician_id ?? '',
    contactId: t.contact_id ?? '',
  };
}

/** Only what changed (core leaves absent fields as they are); an emptied requester is `null`. */
export function patchOf(t: Ticket, e: TicketEdit): TicketPatch {
  const was = editOf(t);
  const p: TicketPatch = {};
  if (e.title !== was.title) p.title = e.title;
  if (e.description !== was.description) p.description = e.description;
  if (e.severity !== was.severity) p.severity = e.severity;
  if (e.urgent !== was.urgent) p.urgent = e.urgent;
  if (e.category.trim() !== was.category) p.category = e.category.trim();
  if (e.isBug !== was.isBug) p.is_bug = e.isBug;
  if (e.assigneeId && e.assigneeId !== was.assigneeId) p.assigned_technician_id = e.assigneeId;
  if (e.contactId !== was.contactId) p.contact_id = e.contactId || null;
  return p;
}
