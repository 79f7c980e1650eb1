// The sync state the whole UI shows: core's SyncStatus, whether a sync is running (from the
// `sync-changed` event the shell emits at the start and end of every attempt, from the button or
// the background loop), and the screens to reload when a sync brought data.

import { listen } from '@tauri-apps/api/event';

import type { SyncStatus } from '../bindings/SyncStatus';
import * as api from './api';
import type { AppError } from './errors';
import { changedData } from './sync';

export const syncState = $state<{
  status: SyncStatus | null;
  running: boolean;
  /** The error of the last attempt made from this window's button (shown where it was pressed). */
  error: AppError | null;
}>({ status: null, running: false, error: null });

const reloaders = new Set<() => void>();

/** Calls `reload` whenever a sync brought data; returns the unsubscribe (for onMount). */
export function onSyncedData(reload: () => void): () => void {
  reloaders.add(reload);
  return () => reloaders.delete(reload);
}

function dataChanged(): void {
  for (const reload of [...reloaders]) reload();
}

function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** Reads the status again (the indicator's "N minuti fa" and counts). */
export async function refreshSync(): Promise<void> {
  try {
    syncState.status = await api.syncStatus();
  } catch {
    // The indicator is secondary: a failed read keeps the last known state.
  }
}

function apply(event: api.SyncEvent): void {
  syncState.running = event.running;
  if (event.status) syncState.status = event.status;
  if (!event.running && changedData(event.report)) dataChanged();
}

let started = false;

/** Loads the status, listens to the shell's events and re-reads every 30 s (idempotent). */
export function startSync(): void {
  if (started) return;
  started = true;
  void refreshSync();
  setInterval(() => void refreshSync(), 30_000);
  if (inTauri()) void listen<api.SyncEvent>(api.SYNC_CHANGED_EVENT, (e) => apply(e.payload));
}

/** "Sincronizza ora": resolves with what was done, or null (the error is in `syncState.error`). */
export async function syncNow(): Promise<api.SyncDone | null> {
  syncState.running = true;
  syncState.error = null;
  try {
    const done = await api.syncNow();
    syncState.status = done.status;
    return done;
  } catch (e) {
    syncState.error = e as AppError;
    await refreshSync();
    return null;
  } finally {
    syncState.running = false;
  }
}

/** After enrolment, forgetting or resolving a conflict: the new status and the screens. */
export function statusChanged(status: SyncStatus | null): void {
  if (status) syncState.status = status;
  else void refreshSync();
}
