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

  'print.printer': 'Printer',
  'print.copies': 'Copies',
  'print.systemDefault': 'The system’s default printer',
  'print.systemDefaultNamed': 'System default ({name})',
  'print.noCups':
    'No printer found: no printing system (CUPS) answers on this computer. Printing goes to the system’s default.',
  'print.noPrinters': 'CUPS has no printer set up: printing goes to the system’s default.',
  'print.customCommand': 'Printing goes through the command set in RAPPORTINO_PRINT_COMMAND.',
  'print.confirm': 'Print',
  'print.sent': 'Sent to the printer.',

  'statement.title': 'Monthly statement',
  'statement.intro': 'One month of this client: hours, interventions, contract balances.',
  'statement.month': 'Month',
  'statement.client': 'Client',
  'statement.save': 'Save PDF…',
  'statement.print': 'Print…',
  'statement.printTitle': 'Print the statement',
  'statement.saved': 'Saved to {path}.',
  'statement.one': 'One client',
};
