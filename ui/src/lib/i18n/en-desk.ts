// English: the front desk's intake and ticket editing (keys from ./it-desk.ts).

import type { itDesk } from './it-desk';

export const enDesk: Record<keyof typeof itDesk, string> = {
  'desk.section': 'The report: when, who, where',
  'desk.reportedAt': 'Reported at (dd/mm/yyyy hh:mm)',
  'desk.reportedHint': 'The response clock starts here: when the client called or wrote.',
  'desk.requester': 'Requester',
  'desk.requesterNone': '— none —',
  'desk.requesterAuthorised': 'authorised',
  'desk.requesterNotAuthorised':
    '{name} is not an authorised requester for this client: check before going ahead.',
  'desk.site': 'Site',
  'desk.siteNone': '— main site —',
  'desk.category': 'Category',
  'desk.categoryHint': 'E.g. Network, Printers, Mail, Accounting software.',
  'desk.bug': 'Defect of our own product (bug, not charged)',
  'desk.bugBadge': 'Bug',
  'desk.assignee': 'Assigned technician',
  'desk.assigneeNone': '— none —',
  'desk.edit': 'Edit',
  'desk.editTitle': 'Edit the ticket',
  'desk.save': 'Save changes',
  'desk.saved': 'Changes saved.',
};
