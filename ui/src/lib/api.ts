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
export type { Message } from '../bindings/Message';
export type { MessageKind } from '../bindings/MessageKind';
export type { MessageStatus } from '../bindings/MessageStatus';
export type { MailSettings } from '../bindings/MailSettings';
export type { AccountSettings } from '../bindings/AccountSettings';
export type { AccountView } from '../bindings/AccountView';
export type { Security } from '../bindings/Security';
export type { SendReport } from '../bindings/SendReport';
export type { StatementMailProgress } from '../bindings/StatementMailProgress';
export type { StatementMailResult } from '../bindings/StatementMailResult';
/** The payload of SYNC_CHANGED_EVENT: a sync started (`running`) or an attempt ended. */
export type { SyncEvent } from '../bindings/SyncEvent';

/** The event the statement batch emits after each client (payload: BatchProgress). */
export const BATCH_PROGRESS_EVENT = 'statements-progress';
/** The event the shell emits when a sync starts (`running`) and after every attempt (payload: SyncEvent). */
export const SYNC_CHANGED_EVENT = 'sync-changed';
/** The shell's mail round (or "Invia ora") rendered or sent something (payload: SendReport). */
export const MAIL_CHANGED_EVENT = 'mail-changed';
/** "Invia a tutti" after each client (payload: StatementMailProgress). */
export const MAIL_STATEMENTS_PROGRESS_EVENT = 'mail-statements-progress';
/** The shell found new urgent requests and notified them (payload: UrgentNotice[]). */
export const INTAKE_CHANGED_EVENT = 'intake-changed';
export type { UrgentNotice } from '../bindings/UrgentNotice';
