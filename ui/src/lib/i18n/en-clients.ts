// English for ./it-clients.ts (same keys).

import type { itClients } from './it-clients';

export const enClients: Record<keyof typeof itClients, string> = {
  'clientPage.search': 'Search by name…',
  'clientPage.keysHint': 'Up and down arrows move through the results, Enter opens the client.',
  'clientPage.showArchived': 'Show archived',
  'clientPage.archived': 'Archived',
  'clientPage.archive': 'Archive',
  'clientPage.restore': 'Restore',

  'clientPage.newSite': 'New site',
  'clientPage.siteName': 'Site name',
  'clientPage.newContact': 'New contact',
  'clientPage.contactName': 'Full name',
  'clientPage.role': 'Role',
  'clientPage.authorised': 'May open requests for the client (authorised e-mail)',
  'clientPage.authorisedShort': 'Authorised',

  'clientPage.hoursTitle': 'Hours per month',
  'clientPage.hoursNone': 'No contract in the last 12 months.',
  'clientPage.hoursAsTable': 'Show as a table',
  'clientPage.hoursAsChart': 'Show as a chart',
  'clientPage.hoursChartTitle': 'Hours used per month: {name}',
  'clientPage.hoursChartDesc': 'Last 12 months: {used} used in total; available at the end: {left}.',
  'clientPage.month': 'Month',
  'clientPage.used': 'Used',
  'clientPage.available': 'Available',

  'clientPage.closedTickets': 'Closed tickets',
  'clientPage.noClosedTickets': 'No closed tickets.',
  'clientPage.interventions': 'Interventions',
  'clientPage.reports': 'Intervention reports',
  'clientPage.noReports': 'No reports for this client.',

  'clientPage.fixFirst': 'Fix first: {fields}.',
};
