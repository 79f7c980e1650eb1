// The one door to the Rust side: every command, typed with the bindings generated from core.
// A failed call rejects with an AppError ({code, message, field}); nothing else is ever thrown.

import { invoke } from '@tauri-apps/api/core';

import type { BackupFile } from '../bindings/BackupFile';
import type { BalanceAlert } from '../bindings/BalanceAlert';
import type { BillingDefaults } from '../bindings/BillingDefaults';
import type { Restored } from '../bindings/Restored';
import type { Calendar } from '../bindings/Calendar';
import type { CalendarInput } from '../bindings/CalendarInput';
import type { CalendarPreset } from '../bindings/CalendarPreset';
import type { Client } from '../bindings/Client';
import type { Conflict } from '../bindings/Conflict';
import type { QuarantinedRow } from '../bindings/QuarantinedRow';
import type { Dashboard } from '../bindings/Dashboard';
import type { ClientBalances } from '../bindings/ClientBalances';
import type { ClientFilter } from '../bindings/ClientFilter';
import type { ClientHours } from '../bindings/ClientHours';
import type { ClientInput } from '../bindings/ClientInput';
import type { ClientOverview } from '../bindings/ClientOverview';
import type { Contact } from '../bindings/Contact';
import type { ContactInput } from '../bindings/ContactInput';
import type { Contract } from '../bindings/Contract';
import type { ContractInput } from '../bindings/ContractInput';
import type { ContractTemplate } from '../bindings/ContractTemplate';
import type { ContractTemplateInput } from '../bindings/ContractTemplateInput';
import type { CustomerClass } from '../bindings/CustomerClass';
import type { CustomerClassInput } from '../bindings/CustomerClassInput';
import type { DemoReport } from '../bindings/DemoReport';
import type { Intervention } from '../bindings/Intervention';
import type { Material } from '../bindings/Material';
import type { MaterialInput } from '../bindings/MaterialInput';
import type { InterventionAllocation } from '../bindings/InterventionAllocation';
import type { InterventionDetail } from '../bindings/InterventionDetail';
import type { InterventionFilter } from '../bindings/InterventionFilter';
import type { InterventionPatch } from '../bindings/InterventionPatch';
import type { InterventionSummary } from '../bindings/InterventionSummary';
import type { ManualTimeInput } from '../bindings/ManualTimeInput';
import type { NewIntervention } from '../bindings/NewIntervention';
import type { NewTicket } from '../bindings/NewTicket';
import type { OnboardingInput } from '../bindings/OnboardingInput';
import type { Page } from '../bindings/Page';
import type { PageRequest } from '../bindings/PageRequest';
import type { Report } from '../bindings/Report';
import type { ReportDocument } from '../bindings/ReportDocument';
import type { ReportFilter } from '../bindings/ReportFilter';
import type { ReportSummary } from '../bindings/ReportSummary';
import type { RunningTimer } from '../bindings/RunningTimer';
import type { SearchHit } from '../bindings/SearchHit';
import type { SearchRequest } from '../bindings/SearchRequest';
import type { SetupStatus } from '../bindings/SetupStatus';
import type { SignInput } from '../bindings/SignInput';
import type { Site } from '../bindings/Site';
import type { SiteInput } from '../bindings/SiteInput';
import type { StatementData } from '../bindings/StatementData';
import type { ErrorPayload } from '../bindings/ErrorPayload';
import type { Resolution } from '../bindings/Resolution';
import type { JoinHubInput } from '../bindings/JoinHubInput';
import type { Joined } from '../bindings/Joined';
import type { SyncReport } from '../bindings/SyncReport';
import type { SyncStatus } from '../bindings/SyncStatus';
import type { Technician } from '../bindings/Technician';
import type { TechnicianInput } from '../bindings/TechnicianInput';
import type { SeverityLabels } from '../bindings/SeverityLabels';
import type { ShopProfile } from '../bindings/ShopProfile';
import type { Ticket } from '../bindings/Ticket';
import type { TicketDetail } from '../bindings/TicketDetail';
import type { TicketFilter } from '../bindings/TicketFilter';
import type { TicketSla } from '../bindings/TicketSla';
import type { TicketSummary } from '../bindings/TicketSummary';
import type { TicketTerms } from '../bindings/TicketTerms';
import type { TransitionInput } from '../bindings/TransitionInput';
import type { UrgentTicket } from '../bindings/UrgentTicket';
import type { Verification } from '../bindings/Verification';
import { toAppError } from './errors';

/** What the backups tab shows (the command's own shape). */
export type Backups = { folder: string; keep_days: number; files: BackupFile[] };

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toAppError(e);
  }
}

// Setup
export const setupStatus = () => call<SetupStatus>('setup_status');
export const onboard = (input: OnboardingInput) => call<SetupStatus>('onboard', { input });
export const loadDemoData = () => call<DemoReport>('load_demo_data');
export const listTechnicians = () => call<Technician[]>('list_technicians');
export const dashboard = () => call<Dashboard>('dashboard');
export const dashboardBalances = () => call<BalanceAlert[]>('dashboard_balances');
export const listBackups = () => call<Backups>('list_backups');
export const backupNow = (path: string | null = null) => call<BackupFile | null>('backup_now', { path });
/** Restores the backup at `path` (null: the Open dialog). `asNewDevice` after a FOREIGN_BACKUP
 * refusal: with a null path it restores the file just refused. */
export const restoreBackup = (path: string | null = null, asNewDevice = false) =>
  call<Restored | null>('restore_backup', { path, as_new_device: asNewDevice });
export const escalateIntervention = (id: string) => call<Intervention>('escalate_intervention', { id });
export const addMaterial = (id: string, input: MaterialInput) => call<Material>('add_material', { id, input });
export const removeMaterial = (id: string) => call<void>('remove_material', { id });
export const setUiLocale = (locale: 'it' | 'en') => call<void>('set_ui_locale', { locale });

// Clients
export const listClients = (filter: ClientFilter, page: PageRequest) =>
  call<Page<Client>>('list_clients', { filter, page });
export const createClient = (input: ClientInput) => call<Client>('create_client', { input });
export const updateClient = (id: string, input: ClientInput) => call<Client>('update_client', { id, input });
export const clientOverview = (id: string) => call<ClientOverview>('client_overview', { id });
/** Core's check of one client field as typed: resolves when valid, rejects with the field's error. */
export const checkClientField = (field: string, value: string) => call<null>('check_client_field', { field, value });
export const createSite = (clientId: string, input: SiteInput) => call<Site>('create_site', { client_id: clientId, input });
export const updateSite = (id: string, input: SiteInput) => call<Site>('update_site', { id, input });
export const archiveSite = (id: string, archived: boolean) => call<Site>('archive_site', { id, archived });
export const createContact = (clientId: string, input: ContactInput) =>
  call<Contact>('create_contact', { client_id: clientId, input });
export const updateContact = (id: string, input: ContactInput) => call<Contact>('update_contact', { id, input });
export const archiveContact = (id: string, archived: boolean) => call<Contact>('archive_contact', { id, archived });
export const listInterventions = (filter: InterventionFilter, page: PageRequest) =>
  call<Page<InterventionSummary>>('list_interventions', { filter, page });
export const clientMonthlyHours = (clientId: string) =>
  call<ClientHours>('client_monthly_hours', { client_id: clientId });

// Search
export const search = (request: SearchRequest, page: PageRequest) =>
  call<Page<SearchHit>>('search', { request, page });

// Tickets
export const listTickets = (filter: TicketFilter, page: PageRequest) =>
  call<Page<TicketSummary>>('list_tickets', { filter, page });
export const ticketDetail = (id: string) => call<TicketDetail>('ticket_detail', { id });
export const openTicket = (input: NewTicket) => call<Ticket>('open_ticket', { input });
export const transitionTicket = (id: string, input: TransitionInput) =>
  call<Ticket>('transition_ticket', { id, input });

// Interventions and the timer
export const createIntervention = (input: NewIntervention) =>
  call<Intervention>('create_intervention', { input });
export const interventionDetail = (id: string) => call<InterventionDetail>('intervention_detail', { id });
export const updateIntervention = (id: string, patch: InterventionPatch) =>
  call<Intervention>('update_intervention', { id, patch });
export const timerStart = (id: string) => call<null>('timer_start', { id });
export const timerPause = (id: string) => call<null>('timer_pause', { id });
export const timerResume = (id: string) => call<null>('timer_resume', { id });
export const timerStop = (id: string) => call<null>('timer_stop', { id });
export const runningTimer = () => call<RunningTimer | null>('running_timer');
export const addManualTime = (id: string, input: ManualTimeInput) => call<null>('add_manual_time', { id, input });
export const adjustTime = (id: string, minutes: number, note: string) =>
  call<null>('adjust_time', { id, minutes, note });
export const voidTimeEntry = (entryId: string, note: string) => call<null>('void_time_entry', { entry_id: entryId, note });
export const approveTimeEntry = (entryId: string) => call<null>('approve_time_entry', { entry_id: entryId });

// Settings: coverage calendars, customer classes, billing defaults
export type Holiday = { date: string; name: string };
export const listCalendars = () => call<Calendar[]>('list_calendars');
export const getCalendar = (id: string) => call<Calendar>('get_calendar', { id });
export const calendarPresetInput = (preset: CalendarPreset) => call<CalendarInput>('calendar_preset_input', { preset });
export const createCalendar = (input: CalendarInput) => call<Calendar>('create_calendar', { input });
export const createCalendarFromPreset = (preset: CalendarPreset) =>
  call<Calendar>('create_calendar_from_preset', { preset });
export const updateCalendar = (id: string, input: CalendarInput) => call<Calendar>('update_calendar', { id, input });
export const archiveCalendar = (id: string, archived: boolean) =>
  call<Calendar>('archive_calendar', { id, archived });
export const italianHolidays = (year: number) => call<Holiday[]>('italian_holidays', { year });
export const listCustomerClasses = () => call<CustomerClass[]>('list_customer_classes');
export const createCustomerClass = (input: CustomerClassInput) =>
  call<CustomerClass>('create_customer_class', { input });
export const updateCustomerClass = (id: string, input: CustomerClassInput) =>
  call<CustomerClass>('update_customer_class', { id, input });
export const archiveCustomerClass = (id: string, archived: boolean) =>
  call<CustomerClass>('archive_customer_class', { id, archived });
export const installClassPresets = () => call<CustomerClass[]>('install_class_presets');
export const billingDefaults = () => call<BillingDefaults>('billing_defaults');
export const setBillingDefaults = (defaults: BillingDefaults) =>
  call<BillingDefaults>('set_billing_defaults', { defaults });

// Contracts and the hour ledger
export const clientContracts = (clientId: string) => call<Contract[]>('client_contracts', { client_id: clientId });
export const getContract = (id: string) => call<Contract>('get_contract', { id });
export const createContract = (input: ContractInput) => call<Contract>('create_contract', { input });
export const updateContract = (id: string, input: ContractInput) => call<Contract>('update_contract', { id, input });
export const archiveContract = (id: string, archived: boolean) =>
  call<Contract>('archive_contract', { id, archived });
export const clientBalances = (clientId: string) => call<ClientBalances>('client_balances', { client_id: clientId });
export const interventionAllocation = (id: string) =>
  call<InterventionAllocation>('intervention_allocation', { id });
export const payInterventionFrom = (id: string, contractId: string | null) =>
  call<InterventionAllocation>('pay_intervention_from', { id, contract_id: contractId });
export const monthlyStatement = (clientId: string, year: number, month: number) =>
  call<StatementData>('monthly_statement', { client_id: clientId, year, month });

// Ticket terms, extra time, SLA
export const setTicketTerms = (id: string, terms: TicketTerms) => call<Ticket>('set_ticket_terms', { id, terms });
export const claimExtraTime = (id: string, pin: string) => call<Ticket>('claim_extra_time', { id, pin });
export const ticketSla = (id: string) => call<TicketSla>('ticket_sla', { id });
export const urgencyList = (filter: TicketFilter, page: PageRequest) =>
  call<Page<UrgentTicket>>('urgency_list', { filter, page });

// Reports (rapporti d'intervento) and statements
export type ExportedFile = { path: string; bytes: number };
export type BatchProgress = { done: number; total: number; written: number };
export type BatchSummary = {
  dir: string;
  month: string;
  total: number;
  written: number;
  skipped: number;
  bytes: number;
  elapsed_ms: number;
};
export type ReportPreview = { report: Report; document: ReportDocument; html: string };
/** The event the statement batch emits after each client. */
export const BATCH_PROGRESS_EVENT = 'statements-progress';

export const createReport = (interventionId: string) =>
  call<Report>('create_report', { intervention_id: interventionId });
export const reportPreview = (id: string) => call<ReportPreview>('report_preview', { id });
export const signReport = (id: string, input: SignInput) => call<Report>('sign_report', { id, input });
export const verifyReport = (id: string) => call<Verification>('verify_report', { id });
export const amendReport = (id: string) => call<Report>('amend_report', { id });
export const listReports = (filter: ReportFilter, page: PageRequest) =>
  call<Page<ReportSummary>>('list_reports', { filter, page });
/** `path` null: the native Save dialog; resolves null when the user cancels. */
export const saveReportAs = (id: string, path: string | null = null) =>
  call<ExportedFile | null>('save_report_as', { id, path });
export const openReport = (id: string) => call<ExportedFile>('open_report', { id });
export const printReport = (id: string) => call<ExportedFile>('print_report', { id });
export const statementsBatch = (year: number, month: number, dir: string | null = null) =>
  call<BatchSummary>('statements_batch', { year, month, dir });
export const saveStatementAs = (clientId: string, year: number, month: number, path: string | null = null) =>
  call<ExportedFile | null>('save_statement_as', { client_id: clientId, year, month, path });
export const openFolder = (path: string) => call<void>('open_folder', { path });
export const setShopLogo = (path: string | null = null) => call<[number, number] | null>('set_shop_logo', { path });
export const clearShopLogo = () => call<void>('clear_shop_logo');

// Settings: shop data, severity labels, technicians, contract templates
export const updateShop = (profile: ShopProfile) => call<ShopProfile>('update_shop', { profile });
export const setSeverityLabels = (labels: SeverityLabels) => call<SeverityLabels>('set_severity_labels', { labels });
export const createTechnician = (input: TechnicianInput) => call<Technician>('create_technician', { input });
export const updateTechnician = (id: string, input: TechnicianInput) =>
  call<Technician>('update_technician', { id, input });
export const setTechnicianActive = (id: string, active: boolean) =>
  call<Technician>('set_technician_active', { id, active });
export const listContractTemplates = (includeArchived = false) =>
  call<ContractTemplate[]>('list_contract_templates', { include_archived: includeArchived });
export const createContractTemplate = (input: ContractTemplateInput) =>
  call<ContractTemplate>('create_contract_template', { input });
export const updateContractTemplate = (id: string, input: ContractTemplateInput) =>
  call<ContractTemplate>('update_contract_template', { id, input });
export const archiveContractTemplate = (id: string, archived: boolean) =>
  call<ContractTemplate>('archive_contract_template', { id, archived });

// Sync with the office hub
/** What "Sincronizza ora" returns (the command's own shape). */
export type SyncDone = { report: SyncReport; status: SyncStatus };
/** The event the shell emits when a sync starts (`running`) and after every attempt. */
export type SyncEvent = {
  running: boolean;
  status: SyncStatus | null;
  report: SyncReport | null;
  error: ErrorPayload | null;
};
export const SYNC_CHANGED_EVENT = 'sync-changed';

export const syncStatus = () => call<SyncStatus>('sync_status');
export const syncEnrol = (hubUrl: string, code: string, deviceName: string, caPem: string | null) =>
  call<SyncStatus>('sync_enrol', { hub_url: hubUrl, code, device_name: deviceName, ca_pem: caPem });
export const syncNow = () => call<SyncDone>('sync_now');
/** First start from the hub: enrol, take the shop's data, bind the technician when the shop has
 * one with the code given (else pick one with `chooseTechnician`). */
export const syncJoin = (input: JoinHubInput) => call<Joined>('sync_join', { input });
export const chooseTechnician = (id: string) => call<SetupStatus>('choose_technician', { id });
export const syncForget = () => call<SyncStatus>('sync_forget');
export const syncConflicts = (includeResolved = false) =>
  call<Conflict[]>('sync_conflicts', { include_resolved: includeResolved });
/** Rows from the hub this device could not store, oldest first (tried again at every sync). */
export const syncQuarantine = () => call<QuarantinedRow[]>('sync_quarantine');
export const syncResolveConflict = (id: string, resolution: Resolution) =>
  call<Conflict>('sync_resolve_conflict', { id, resolution });
/** `path` null: the native Open dialog; resolves null when the user cancels. */
export const syncReadCertificate = (path: string | null = null) =>
  call<string | null>('sync_read_certificate', { path });
