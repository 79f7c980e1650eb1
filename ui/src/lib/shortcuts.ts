// Keyboard shortcuts for the frequent actions: which key does what (pure, tested), and the list
// the help overlay shows. The global handler lives in components/Shortcuts.svelte.

import type { MessageKey } from './i18n/it';
import type { Route } from './routes';

export type ShortcutAction =
  | { kind: 'go'; route: Route }
  | { kind: 'search' }
  | { kind: 'timer' }
  | { kind: 'help' }
  | { kind: 'close' };

/** The subset of a KeyboardEvent the mapping reads. */
export type KeyPress = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** The focus is in a text field (typing there must not trigger single-key shortcuts). */
  typing: boolean;
};

const SECTIONS: Route[] = [
  { name: 'dashboard' },
  { name: 'tickets' },
  { name: 'clients' },
  { name: 'reports', query: {} },
  { name: 'statements' },
  { name: 'settings', tab: 'calendars' },
];

export function isSubmitCombo(e: Pick<KeyPress, 'key' | 'ctrlKey' | 'metaKey'>): boolean {
  return e.key === 'Enter' && (e.ctrlKey || e.metaKey);
}

export function shortcutFor(e: KeyPress): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && !e.altKey && !e.shiftKey && key === 'n') return { kind: 'go', route: { name: 'ticket-new', clientId: null } };
  if (mod && e.shiftKey && !e.altKey && (key === ' ' || e.key === 'Spacebar')) return { kind: 'timer' };
  if (e.altKey && !mod && /^[1-6]$/.test(key)) {
    const route = SECTIONS[Number(key) - 1];
    return route ? { kind: 'go', route } : null;
  }
  if (e.key === 'F1') return { kind: 'help' };
  if (e.key === 'Escape') return { kind: 'close' };
  if (e.typing || mod || e.altKey) return null;
  if (key === '?') return { kind: 'help' };
  if (key === '/') return { kind: 'search' };
  return null;
}

/** What the help overlay lists, in order. */
export const SHORTCUT_HELP: { keys: string; label: MessageKey }[] = [
  { keys: 'Ctrl+N', label: 'shortcuts.newTicket' },
  { keys: 'Ctrl+K  /', label: 'shortcuts.search' },
  { keys: 'Ctrl+Invio', label: 'shortcuts.submit' },
  { keys: 'Ctrl+Maiusc+Spazio', label: 'shortcuts.timer' },
  { keys: 'Alt+1 … Alt+6', label: 'shortcuts.sections' },
  { keys: '?  F1', label: 'shortcuts.help' },
  { keys: 'Esc', label: 'shortcuts.close' },
];
