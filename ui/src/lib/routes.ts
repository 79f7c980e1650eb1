// Screens are addressed by the URL hash (#/tickets/…), so Back/Forward and links just work.

export type Route =
  | { name: 'dashboard' }
  | { name: 'tickets' }
  | { name: 'tickets-sla' }
  | { name: 'ticket-new'; clientId: string | null }
  | { name: 'ticket'; id: string }
  | { name: 'intervention'; id: string }
  | { name: 'clients' }
  | { name: 'client-new' }
  | { name: 'client'; id: string }
  | { name: 'client-edit'; id: string }
  | { name: 'contract-new'; clientId: string }
  | { name: 'contract-edit'; id: string }
  | { name: 'settings'; tab: SettingsTab }
  | { name: 'calendar-new' }
  | { name: 'calendar'; id: string }
  | { name: 'reports'; query: ReportQuery }
  | { name: 'report'; id: string }
  | { name: 'statements' }
  | { name: 'outbox' }
  | { name: 'triage' }
  | { name: 'quotes'; clientId: string | null }
  | { name: 'quote'; id: string }
  | { name: 'conflicts'; all: boolean };

/** Filters of the reports list, kept in the URL so Back returns to the same search. */
export type ReportQuery = { q?: string; from?: string; to?: string; status?: 'draft' | 'signed'; intervention?: string };

export type SettingsTab =
  | 'shop'
  | 'technicians'
  | 'general'
  | 'calendars'
  | 'classes'
  | 'billing'
  | 'catalogue'
  | 'templates'
  | 'documents'
  | 'backups'
  | 'data'
  | 'sync'
  | 'mail'
  | 'inbox'
  | 'diagnostics';
const TABS: readonly SettingsTab[] = ['shop', 'technicians', 'general', 'calendars', 'classes', 'billing', 'catalogue', 'templates', 'documents', 'backups', 'data', 'sync', 'mail', 'inbox', 'diagnostics'];

export const HOME: Route = { name: 'dashboard' };

/** `#/clients/abc/edit` → `{name: 'client-edit', id: 'abc'}`; anything unknown → home. */
export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  const [section, id, action, sub] = parts;
  if (!section) return HOME;
  if (section === 'tickets') {
    if (id === 'new') return { name: 'ticket-new', clientId: params.get('client') };
    if (id === 'sla') return { name: 'tickets-sla' };
    if (id) return { name: 'ticket', id };
    return { name: 'tickets' };
  }
  if (section === 'interventions' && id) return { name: 'intervention', id };
  if (section === 'clients') {
    if (id === 'new') return { name: 'client-new' };
    if (id && action === 'edit') return { name: 'client-edit', id };
    if (id && action === 'contracts' && sub === 'new') return { name: 'contract-new', clientId: id };
    if (id) return { name: 'client', id };
    return { name: 'clients' };
  }
  if (section === 'contracts' && id) return { name: 'contract-edit', id };
  if (section === 'reports') {
    if (id) return { name: 'report', id };
    const query: ReportQuery = {};
    for (const key of ['q', 'from', 'to', 'intervention'] as const) {
      const v = params.get(key);
      if (v) query[key] = v;
    }
    const status = params.get('status');
    if (status === 'draft' || status === 'signed') query.status = status;
    return { name: 'reports', query };
  }
  if (section === 'statements') return { name: 'statements' };
  if (section === 'mail') return { name: 'outbox' };
  if (section === 'triage') return { name: 'triage' };
  if (section === 'quotes') {
    if (id) return { name: 'quote', id };
    return { name: 'quotes', clientId: params.get('client') };
  }
  if (section === 'conflicts') return { name: 'conflicts', all: params.get('all') === '1' };
  if (section === 'settings') {
    if (id === 'calendars' && action === 'new') return { name: 'calendar-new' };
    if (id === 'calendars' && action) return { name: 'calendar', id: action };
    const tab = TABS.find((x) => x === id) ?? 'calendars';
    return { name: 'settings', tab };
  }
  return HOME;
}

/** The hash for a route (the inverse of `parseHash`). */
export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.name) {
    case 'dashboard':
      return '#/';
    case 'tickets':
      return '#/tickets';
    case 'tickets-sla':
      return '#/tickets/sla';
    case 'ticket-new':
      return route.clientId ? `#/tickets/new?client=${e(route.clientId)}` : '#/tickets/new';
    case 'ticket':
      return `#/tickets/${e(route.id)}`;
    case 'intervention':
      return `#/interventions/${e(route.id)}`;
    case 'clients':
      return '#/clients';
    case 'client-new':
      return '#/clients/new';
    case 'client':
      return `#/clients/${e(route.id)}`;
    case 'client-edit':
      return `#/clients/${e(route.id)}/edit`;
    case 'contract-new':
      return `#/clients/${e(route.clientId)}/contracts/new`;
    case 'contract-edit':
      return `#/contracts/${e(route.id)}`;
    case 'settings':
      return `#/settings/${route.tab}`;
    case 'calendar-new':
      return '#/settings/calendars/new';
    case 'calendar':
      return `#/settings/calendars/${e(route.id)}`;
    case 'reports': {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(route.query)) if (v) params.set(k, v);
      const qs = params.toString();
      return qs ? `#/reports?${qs}` : '#/reports';
    }
    case 'report':
      return `#/reports/${e(route.id)}`;
    case 'statements':
      return '#/statements';
    case 'outbox':
      return '#/mail';
    case 'triage':
      return '#/triage';
    case 'quotes':
      return route.clientId ? `#/quotes?client=${e(route.clientId)}` : '#/quotes';
    case 'quote':
      return `#/quotes/${e(route.id)}`;
    case 'conflicts':
      return route.all ? '#/conflicts?all=1' : '#/conflicts';
  }
}

/** The route a search hit opens. */
export function routeForHit(kind: 'client' | 'ticket' | 'intervention', id: string): Route {
  switch (kind) {
    case 'client':
      return { name: 'client', id };
    case 'ticket':
      return { name: 'ticket', id };
    case 'intervention':
      return { name: 'intervention', id };
  }
}
