import { describe, expect, it } from 'vitest';

import { HOME, href, parseHash, type Route } from './routes';

describe('routes', () => {
  const routes: Route[] = [
    { name: 'dashboard' },
    { name: 'tickets' },
    { name: 'ticket-new', clientId: null },
    { name: 'ticket-new', clientId: '0190-abc' },
    { name: 'ticket', id: '0190-t' },
    { name: 'intervention', id: '0190-i' },
    { name: 'clients' },
    { name: 'client-new' },
    { name: 'client', id: '0190-c' },
    { name: 'client-edit', id: '0190-c' },
    { name: 'tickets-sla' },
    { name: 'contract-new', clientId: '0190-c' },
    { name: 'contract-edit', id: '0190-k' },
    { name: 'settings', tab: 'calendars' },
    { name: 'settings', tab: 'classes' },
    { name: 'settings', tab: 'billing' },
    { name: 'settings', tab: 'catalogue' },
    { name: 'calendar-new' },
    { name: 'calendar', id: '0190-cal' },
    { name: 'reports', query: {} },
    { name: 'reports', query: { q: 'bellè 0001', from: '2026-03-01', to: '2026-03-31', status: 'signed' } },
    { name: 'reports', query: { intervention: '0190-i' } },
    { name: 'report', id: '0190-r' },
    { name: 'statements' },
    { name: 'outbox' },
    { name: 'triage' },
    { name: 'quotes', clientId: null },
    { name: 'quotes', clientId: '0190-c' },
    { name: 'quote', id: '0190-q' },
    { name: 'settings', tab: 'mail' },
    { name: 'settings', tab: 'inbox' },
    { name: 'settings', tab: 'documents' },
    { name: 'settings', tab: 'backups' },
    { name: 'settings', tab: 'shop' },
    { name: 'settings', tab: 'technicians' },
    { name: 'settings', tab: 'templates' },
    { name: 'settings', tab: 'general' },
    { name: 'settings', tab: 'sync' },
    { name: 'conflicts', all: false },
    { name: 'conflicts', all: true },
  ];
  it('href and parseHash are inverses', () => {
    for (const r of routes) expect(parseHash(href(r))).toEqual(r);
  });
  it('unknown or empty hashes go home', () => {
    expect(parseHash('')).toEqual(HOME);
    expect(parseHash('#/nowhere')).toEqual(HOME);
    expect(parseHash('#/interventions')).toEqual(HOME);
    expect(parseHash('#/contracts')).toEqual(HOME);
  });
  it('an unknown report status is dropped', () => {
    expect(parseHash('#/reports?status=maybe&q=x')).toEqual({ name: 'reports', query: { q: 'x' } });
  });
  it('settings open on the calendars tab', () => {
    expect(parseHash('#/settings')).toEqual({ name: 'settings', tab: 'calendars' });
    expect(parseHash('#/settings/nonsense')).toEqual({ name: 'settings', tab: 'calendars' });
    expect(parseHash('#/settings/data')).toEqual({ name: 'settings', tab: 'data' });
  });
});
