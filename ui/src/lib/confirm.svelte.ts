// The app's own confirmation dialog. `window.confirm` cannot be used: tauri-plugin-dialog replaces
// it with an async function (its Promise is always truthy, so `if (!confirm(…))` never stops) whose
// native dialog this app's capabilities do not grant. `ask()` opens ConfirmDialog (mounted once in
// App) and resolves with the answer; a second question waits for the first to be answered.

export type Question = {
  message: string;
  /** The label of the button that goes ahead (default: OK). */
  ok?: string;
  /** Paint the go-ahead button as a dangerous one. */
  danger?: boolean;
};

type Pending = Question & { answer: (yes: boolean) => void };

export const confirmation = $state<{ open: Pending | null; queue: Pending[] }>({ open: null, queue: [] });

/** Asks `question`; true when the user goes ahead, false on Cancel or Esc. */
export function ask(question: Question): Promise<boolean> {
  return new Promise((resolve) => {
    const pending: Pending = { ...question, answer: resolve };
    if (confirmation.open) confirmation.queue.push(pending);
    else confirmation.open = pending;
  });
}

/** The dialog's answer: resolves the open question and shows the next one. */
export function answer(yes: boolean): void {
  const open = confirmation.open;
  if (!open) return;
  confirmation.open = confirmation.queue.shift() ?? null;
  open.answer(yes);
}
