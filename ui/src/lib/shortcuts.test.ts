import { describe, expect, it } from 'vitest';

import { isSubmitCombo, shortcutFor, type KeyPress } from './shortcuts';

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  typing: false,
  ...over,
});

describe('shortcuts', () => {
  it('maps the frequent actions', () => {
    expect(shortcutFor(press('n', { ctrlKey: true }))).toEqual({ kind: 'go', route: { name: 'ticket-new', clientId: null } });
    expect(shortcutFor(press('N', { metaKey: true }))).toEqual({ kind: 'go', route: { name: 'ticket-new', clientId: null } });
    expect(shortcutFor(press(' ', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'timer' });
    expect(shortcutFor(press('1', { altKey: true }))).toEqual({ kind: 'go', route: { name: 'dashboard' } });
    expect(shortcutFor(press('3', { altKey: true }))).toEqual({ kind: 'go', route: { name: 'clients' } });
    expect(shortcutFor(press('6', { altKey: true }))).toEqual({ kind: 'go', route: { name: 'settings', tab: 'calendars' } });
    expect(shortcutFor(press('7', { altKey: true }))).toBeNull();
    expect(shortcutFor(press('?'))).toEqual({ kind: 'help' });
    expect(shortcutFor(press('F1'))).toEqual({ kind: 'help' });
    expect(shortcutFor(press('/'))).toEqual({ kind: 'search' });
    expect(shortcutFor(press('Escape'))).toEqual({ kind: 'close' });
  });

  it('never steals a character typed into a field', () => {
    expect(shortcutFor(press('?', { typing: true }))).toBeNull();
    expect(shortcutFor(press('/', { typing: true }))).toBeNull();
    expect(shortcutFor(press('n', { typing: true }))).toBeNull();
    // The Ctrl and Alt combinations still work there.
    expect(shortcutFor(press('n', { typing: true, ctrlKey: true }))?.kind).toBe('go');
    expect(shortcutFor(press('2', { typing: true, altKey: true }))).toEqual({ kind: 'go', route: { name: 'tickets' } });
    expect(shortcutFor(press('a'))).toBeNull();
    expect(shortcutFor(press('n', { ctrlKey: true, shiftKey: true }))).toBeNull();
  });

  it('Ctrl+Enter submits', () => {
    expect(isSubmitCombo({ key: 'Enter', ctrlKey: true, metaKey: false })).toBe(true);
    expect(isSubmitCombo({ key: 'Enter', ctrlKey: false, metaKey: true })).toBe(true);
    expect(isSubmitCombo({ key: 'Enter', ctrlKey: false, metaKey: false })).toBe(false);
  });
});
