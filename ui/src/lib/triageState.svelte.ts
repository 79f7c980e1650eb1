// The "Da smistare" count the menu shows: read from core when the app starts, every 30 s, after
// a sync that brought data, when the shell reports new urgent requests, and after a triage action. One shared state for the badge and the screen.

import { listen } from '@tauri-apps/api/event';

import * as api from './api';
import { onSyncedData } from './syncState.svelte';

export const triageState = $state({ waiting: 0 });

export async function refreshTriage(): Promise<void> {
  try {
    triageState.waiting = await api.intakeWaitingCount();
  } catch {
    // A failed read keeps the last count; the screen shows the error when opened.
  }
}

let started = false;

export function startTriage(): void {
  if (started) return;
  started = true;
  void refreshTriage();
  setInterval(() => void refreshTriage(), 30_000);
  onSyncedData(() => void refreshTriage());
  if (typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window)
    void listen(api.INTAKE_CHANGED_EVENT, () => void refreshTriage());
}
