// What the screens import as `api`: one typed function per command, generated from the
// #[tauri::command] functions (./commands.generated.ts: never edit it, never list a command here),
// the result types they name, and the app's events. A failed call rejects with an AppError
// ({code, message, field}); nothing else is ever thrown (./call.ts).

export * from './commands.generated';

export type { Backups } from '../bindings/Backups';
export type { BatchProgress } from '../bindings/BatchProgress';
export type { BatchSummary } from '../bindings/BatchSummary';
export type { ExportedFile } from '../bindings/ExportedFile';
export type { Holiday } from '../bindings/Holiday';
export type { ReportPreview } from '../bindings/ReportPreview';
export type { SyncDone } from '../bindings/SyncDone';
/** The payload of SYNC_CHANGED_EVENT: a sync started (`running`) or an attempt ended. */
export type { SyncEvent } from '../bindings/SyncEvent';

/** The event the statement batch emits after each client (payload: BatchProgress). */
export const BATCH_PROGRESS_EVENT = 'statements-progress';
/** The event the shell emits when a sync starts (`running`) and after every attempt (payload: SyncEvent). */
export const SYNC_CHANGED_EVENT = 'sync-changed';
