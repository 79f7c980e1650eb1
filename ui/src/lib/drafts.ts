// Drafts: what the user typed in a form, kept in localStorage until it is saved or discarded, so
// closing the window (or a crash, or navigating away) mid-edit loses nothing. Saved 300 ms after
// the last change and again when the page goes away; restored when the same form opens again.
// A draft records the form's shape: one left by an older version with other fields is ignored.

const PREFIX = 'rapportino.draft.';
const VERSION = 1;
export const DRAFT_DELAY_MS = 300;

type Stored = { v: number; savedAt: number; data: Record<string, unknown> };

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** `client/new`, `client/0190-abc`, `intervention/0190-i`. */
export function draftKey(form: string, id: string | null | undefined): string {
  return `${PREFIX}${form}/${id ?? 'new'}`;
}

function sameShape(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && typeof a[k] === typeof b[k]);
}

/** The draft under `key` if there is one shaped like `blank`, with when it was saved. */
export function loadDraft<T extends Record<string, unknown>>(key: string, blank: T): { data: T; savedAt: number } | null {
  const raw = storage()?.getItem(key);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Stored;
    if (parsed.v !== VERSION || typeof parsed.data !== 'object' || parsed.data === null) return null;
    if (!sameShape(parsed.data, blank)) return null;
    return { data: parsed.data as T, savedAt: parsed.savedAt };
  } catch {
    return null;
  }
}

/** Keeps `data` under `key`; a draft equal to `blank` (nothing typed) is removed instead. */
export function saveDraft(key: string, data: Record<string, unknown>, blank?: Record<string, unknown>): void {
  const s = storage();
  if (!s) return;
  if (blank && JSON.stringify(data) === JSON.stringify(blank)) {
    s.removeItem(key);
    return;
  }
  try {
    s.setItem(key, JSON.stringify({ v: VERSION, savedAt: Date.now(), data } satisfies Stored));
  } catch {
    // Storage full or disabled: the form still works, only without a draft.
  }
}

export function clearDraft(key: string): void {
  storage()?.removeItem(key);
}

export type DraftSaver = {
  /** Call on every change: saves DRAFT_DELAY_MS after the last one. */
  schedule(): void;
  /** Saves now (also done when the page is hidden or unloaded). */
  flush(): void;
  /** After a successful save or a discard: forgets the draft and stops saving. */
  clear(): void;
  /** When the form closes: saves what is pending and stops listening. */
  dispose(): void;
};

export function draftSaver(key: string, read: () => Record<string, unknown>, blank: Record<string, unknown>): DraftSaver {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let active = true;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (active) saveDraft(key, read(), blank);
  };
  const onHide = () => flush();
  const target = typeof window === 'undefined' ? null : window;
  target?.addEventListener('pagehide', onHide);
  target?.addEventListener('beforeunload', onHide);
  const stop = () => {
    active = false;
    if (timer) clearTimeout(timer);
    timer = null;
    target?.removeEventListener('pagehide', onHide);
    target?.removeEventListener('beforeunload', onHide);
  };
  return {
    schedule() {
      if (!active) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, DRAFT_DELAY_MS);
    },
    flush,
    clear() {
      stop();
      clearDraft(key);
    },
    dispose() {
      if (timer) flush();
      stop();
    },
  };
}
