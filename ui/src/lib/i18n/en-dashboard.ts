// English: the dashboard (home), the shell (keys as in ./it-dashboard.ts).

import type { itDashboard } from './it-dashboard';

export const enDashboard: Record<keyof typeof itDashboard, string> = {
  'nav.dashboard': 'Today',

  'dashboard.title': 'Today',
  'dashboard.timer': 'Timer',
  'dashboard.timerNone': 'No timer running.',
  'dashboard.timerNoneHint': 'Open a ticket and start an intervention to begin.',
  'dashboard.paused': 'Paused: {ticket} · {client}',
  'dashboard.resume': 'Resume',
  'dashboard.openIntervention': 'Open the intervention',
  'dashboard.myTickets': 'My open tickets',
  'dashboard.myTicketsCount': '{count} open',
  'dashboard.breached': '{count} past SLA',
  'dashboard.noTickets': 'No open tickets assigned to you.',
  'dashboard.more': 'and {count} more: see all by urgency',
  'dashboard.today': 'Today’s interventions',
  'dashboard.noToday': 'No interventions today.',
  'dashboard.balances': 'Balances to watch',
  'dashboard.noBalances': 'No balance running low and no contract expiring.',
  'dashboard.balanceLeft': 'left',
  'dashboard.low': 'Running low',
  'dashboard.expiring': 'Expires in {days} days',
  'dashboard.expiringToday': 'Expires today',
  'dashboard.expiresOn': 'Expiry',
  'dashboard.incidentsLeft': '{count} tickets left',
  'dashboard.sync': 'Sync',
  'dashboard.syncOff': 'Not configured: the data stays on this computer.',
  'dashboard.syncHint': 'Linking to the office comes with the sync hub.',
  'dashboard.newTicket': 'New ticket',

  'draft.restored': 'Draft restored (saved {when}): carry on where you left off.',
  'draft.discard': 'Discard the draft',

  'shortcuts.title': 'Keyboard shortcuts',
  'shortcuts.newTicket': 'New ticket',
  'shortcuts.search': 'Search clients, tickets, interventions',
  'shortcuts.submit': 'Send the form (new ticket and others)',
  'shortcuts.timer': 'Pause or resume the timer',
  'shortcuts.sections': 'Today, Tickets, Clients, Reports, Statements, Settings',
  'shortcuts.help': 'Show this list',
  'shortcuts.close': 'Close',
  'shortcuts.closeButton': 'Close',
  'shortcuts.hint': 'Shortcuts: ?',
};
