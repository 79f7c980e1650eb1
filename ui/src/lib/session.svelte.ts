// App-wide state: the setup status, the running timer (polled, and refreshed after every timer
// action), a ticking clock for live elapsed times, and the window title that shows the timer.

import { listen } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';

import type { RunningTimer } from '../bindings/RunningTimer';
import type { SetupStatus } from '../bindings/SetupStatus';
import * as api from './api';
import type { AppError } from './errors';
import { windowTitle } from './timer';

export const session = $state<{
  status: SetupStatus | null;
  fatal: AppError | null;
  timer: RunningTimer | null;
  /** Why the last timer action from the tray icon was refused, until the next one. */
  trayError: AppError | null;
  now: number;
}>({ status: null, fatal: null, timer: null, trayError: null, now: Date.now() });

let lastTitle = '';

function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

function updateTitle(): void {
  const title = windowTitle(session.timer, session.now);
  if (title === lastTitle || !inTauri()) return;
  lastTitle = title;
  getCurrentWindow()
    .setTitle(title)
    .catch(() => {
      lastTitle = '';
    });
}

/** Loads the setup status; a failure here (e.g. DATABASE_TOO_NEW) is fatal for the session. */
export async function loadStatus(): Promise<void> {
  try {
    session.status = await api.setupStatus();
    session.fatal = null;
  } catch (e) {
    session.fatal = e as AppError;
  }
}

export async function refreshTimer(): Promise<void> {
  try {
    session.timer = await api.runningTimer();
  } catch {
    // The timer bar is secondary: a failed poll keeps the last known value.
  }
  updateTitle();
}

let started = false;

/** Starts the 1-second clock and the 30-second timer poll (idempotent). */
export function startClock(): void {
  if (started) return;
  started = true;
  setInterval(() => {
    session.now = Date.now();
    updateTitle();
  }, 1000);
  setInterval(() => void refreshTimer(), 30_000);
  if (inTauri()) {
    // Pause / resume / stop from the tray icon: reload what the window shows.
    void listen<{ error: AppError | null }>('timer-changed', (event) => {
      session.trayError = event.payload.error;
      void refreshTimer().then(timerChanged);
    });
  }
}

/** Tells the shell the UI's language (the tray menu follows it). */
export function shareLocale(locale: 'it' | 'en'): void {
  if (inTauri()) api.setUiLocale(locale).catch(() => {});
}

/** Bumped after any timer action, so a screen showing that intervention reloads it. */
export const timerEvents = $state({ version: 0 });

export function timerChanged(): void {
  timerEvents.version += 1;
}
