// A form's draft as reactive state: restore once the form holds its starting values, save on
// every change, forget after a real save or a discard. The storage rules are in ./drafts.ts.

import { draftKey, draftSaver, loadDraft, type DraftSaver } from './drafts';

type Values = Record<string, unknown>;

export class FormDraft {
  /** When the restored draft was saved (ms), while its notice is shown. */
  restoredAt = $state<number | null>(null);
  #key: string;
  #read: () => Values;
  #write: (values: Values) => void;
  #base: Values | null = null;
  #saver: DraftSaver | null = null;

  constructor(form: string, id: string | null | undefined, read: () => Values, write: (values: Values) => void) {
    this.#key = draftKey(form, id);
    this.#read = read;
    this.#write = write;
  }

  /** Call once the form holds its starting values (empty, or the record being edited). */
  start(): void {
    if (this.#saver) return;
    const base = structuredClone(this.#read());
    this.#base = base;
    const found = loadDraft(this.#key, base);
    if (found) {
      this.#write(found.data);
      this.restoredAt = found.savedAt;
    }
    this.#saver = draftSaver(this.#key, this.#read, base);
  }

  changed(): void {
    this.#saver?.schedule();
  }

  /** The form was saved for real: the saved values are the new starting point. */
  saved(): void {
    this.#saver?.clear();
    this.restoredAt = null;
    const base = structuredClone(this.#read());
    this.#base = base;
    this.#saver = draftSaver(this.#key, this.#read, base);
  }

  /** Back to the starting values; later edits make a new draft. */
  discard(): void {
    const base = this.#base;
    this.#saver?.clear();
    this.restoredAt = null;
    if (!base) return;
    this.#write(structuredClone(base));
    this.#saver = draftSaver(this.#key, this.#read, base);
  }

  /** The form closes (navigation): what is pending is kept. */
  dispose(): void {
    this.#saver?.dispose();
  }
}
