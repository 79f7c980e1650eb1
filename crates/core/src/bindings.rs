//! TypeScript bindings for the UI, generated from the Rust types (ts-rs), and `labels.ts`, the
//! words for the vocabularies and the months (`rapportino_model::labels`). The files live in
//! `ui/src/bindings/`; the test `tests/bindings.rs` fails when they are stale, and
//! `UPDATE_BINDINGS=1 cargo test -p rapportino-core --test bindings` rewrites them.

use std::path::Path;
use ts_rs::{Config, ExportError, TS};

use crate::{
    clients, contacts, error, interventions, paging, search, setup, sites, store, technicians,
    tickets,
};

fn export<T: TS + 'static>(cfg: &Config) -> Result<(), ExportError> {
    T::export_all(cfg)
}

/// Writes every type the UI uses, with its dependencies, into `dir`.
pub fn export_typescript(dir: &Path) -> Result<(), ExportError> {
    // i64 values here (seconds, cents, hlc) stay far below 2^53: plain numbers in TypeScript.
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    export::<error::ErrorPayload>(&cfg)?;
    export::<paging::PageRequest>(&cfg)?;
    export::<paging::Page<clients::Client>>(&cfg)?;
    export::<setup::SetupStatus>(&cfg)?;
    export::<setup::OnboardingInput>(&cfg)?;
    export::<setup::ShopProfile>(&cfg)?;
    export::<setup::SeverityLabels>(&cfg)?;
    export::<technicians::Technician>(&cfg)?;
    export::<technicians::TechnicianInput>(&cfg)?;
    export::<clients::Client>(&cfg)?;
    export::<clients::ClientInput>(&cfg)?;
    export::<clients::ClientFilter>(&cfg)?;
    export::<crate::views::ClientOverview>(&cfg)?;
    export::<sites::SiteInput>(&cfg)?;
    export::<contacts::ContactInput>(&cfg)?;
    export::<tickets::Ticket>(&cfg)?;
    export::<tickets::NewTicket>(&cfg)?;
    export::<tickets::TicketPatch>(&cfg)?;
    export::<tickets::TicketFilter>(&cfg)?;
    export::<crate::views::TicketDetail>(&cfg)?;
    export::<tickets::TransitionInput>(&cfg)?;
    export::<tickets::StatusStep>(&cfg)?;
    export::<interventions::Intervention>(&cfg)?;
    export::<interventions::NewIntervention>(&cfg)?;
    export::<interventions::InterventionPatch>(&cfg)?;
    export::<interventions::InterventionFilter>(&cfg)?;
    export::<interventions::InterventionDetail>(&cfg)?;
    export::<interventions::MaterialInput>(&cfg)?;
    export::<interventions::ManualTimeInput>(&cfg)?;
    export::<interventions::RunningTimer>(&cfg)?;
    export::<interventions::PausedTimer>(&cfg)?;
    export::<search::SearchRequest>(&cfg)?;
    export::<search::SearchHit>(&cfg)?;
    export::<store::ChangeRecord>(&cfg)?;
    export::<crate::calendars::Calendar>(&cfg)?;
    export::<crate::calendars::CalendarInput>(&cfg)?;
    export::<crate::classes::CustomerClass>(&cfg)?;
    export::<crate::classes::CustomerClassInput>(&cfg)?;
    export::<crate::contracts::Contract>(&cfg)?;
    export::<crate::contracts::ContractInput>(&cfg)?;
    export::<crate::contracts::governing::Governing>(&cfg)?;
    export::<crate::contracts::templates::ContractTemplate>(&cfg)?;
    export::<crate::contracts::templates::ContractTemplateInput>(&cfg)?;
    export::<tickets::TicketTerms>(&cfg)?;
    export::<crate::sla::TicketSla>(&cfg)?;
    export::<crate::views::UrgentTicket>(&cfg)?;
    export::<paging::Page<crate::views::UrgentTicket>>(&cfg)?;
    export::<crate::views::dashboard::Dashboard>(&cfg)?;
    export::<crate::views::dashboard::BalanceAlert>(&cfg)?;
    export::<crate::backup::BackupFile>(&cfg)?;
    export::<crate::backup::Restored>(&cfg)?;
    export::<crate::backup::AutoBackup>(&cfg)?;
    export::<crate::diagnostics::DiagnosticsCopy>(&cfg)?;
    export::<crate::backup::Backups>(&cfg)?;
    export::<crate::calendars::holidays::Holiday>(&cfg)?;
    export::<crate::documents::ExportedFile>(&cfg)?;
    export::<crate::documents::BatchProgress>(&cfg)?;
    export::<crate::documents::BatchSummary>(&cfg)?;
    export::<crate::documents::ReportPreview>(&cfg)?;
    export::<crate::documents::PrinterList>(&cfg)?;
    export::<crate::store::settings::PrintPreferences>(&cfg)?;
    export::<crate::views::notices::NoticePreferences>(&cfg)?;
    export::<crate::entitlement::Entitlement>(&cfg)?;
    export::<crate::ledger::InterventionAllocation>(&cfg)?;
    export::<crate::ledger::ClientBalances>(&cfg)?;
    export::<crate::ledger::ClientHours>(&cfg)?;
    export::<crate::ledger::BillingDefaults>(&cfg)?;
    export::<crate::views::statements::StatementData>(&cfg)?;
    export::<crate::views::billing::BillingMonth>(&cfg)?;
    export::<crate::views::billing::ClientBillable>(&cfg)?;
    export::<crate::views::billing_csv::CsvOptions>(&cfg)?;
    export::<crate::import::FileInfo>(&cfg)?;
    export::<crate::export::ExportOptions>(&cfg)?;
    export::<crate::export::Exported>(&cfg)?;
    export::<crate::import::ImportOptions>(&cfg)?;
    export::<crate::import::ImportReport>(&cfg)?;
    export::<crate::import::ImportKind>(&cfg)?;
    export::<crate::import::FileInfo>(&cfg)?;
    export::<crate::export::ExportKindInfo>(&cfg)?;
    export::<crate::export::SavedExport>(&cfg)?;
    export::<crate::import::Preset>(&cfg)?;
    export::<crate::reports::Report>(&cfg)?;
    export::<crate::reports::ReportSummary>(&cfg)?;
    export::<crate::reports::ReportFilter>(&cfg)?;
    export::<crate::reports::Verification>(&cfg)?;
    export::<crate::reports::SignInput>(&cfg)?;
    export::<crate::reports::own_signature::OwnSignature>(&cfg)?;
    export::<crate::reports::ReportDocument>(&cfg)?;
    export::<crate::reports::StatementDocument>(&cfg)?;
    export::<crate::catalogue::Article>(&cfg)?;
    export::<crate::catalogue::ArticleInput>(&cfg)?;
    export::<crate::quotes::Quote>(&cfg)?;
    export::<crate::quotes::NewQuote>(&cfg)?;
    export::<crate::quotes::QuotePatch>(&cfg)?;
    export::<crate::quotes::QuoteLineInput>(&cfg)?;
    export::<crate::quotes::AcceptInput>(&cfg)?;
    export::<crate::quotes::RefuseInput>(&cfg)?;
    export::<crate::quotes::QuoteFilter>(&cfg)?;
    export::<crate::quotes::QuoteDocument>(&cfg)?;
    export::<paging::Page<crate::reports::ReportSummary>>(&cfg)?;
    export::<crate::sync::SyncStatus>(&cfg)?;
    export::<crate::sync::SyncReport>(&cfg)?;
    export::<crate::sync::schedule::SyncDone>(&cfg)?;
    export::<crate::sync::schedule::SyncEvent>(&cfg)?;
    export::<crate::sync::join::JoinHubInput>(&cfg)?;
    export::<crate::sync::join::Joined>(&cfg)?;
    export::<crate::sync::conflicts::Conflict>(&cfg)?;
    export::<crate::sync::conflicts::Resolution>(&cfg)?;
    export::<crate::sync::quarantine::QuarantinedRow>(&cfg)?;
    export::<crate::sync::protocol::DeviceInfo>(&cfg)?;
    export::<crate::outbox::Message>(&cfg)?;
    export::<crate::intake::RequestRow>(&cfg)?;
    export::<crate::intake::Assignment>(&cfg)?;
    export::<crate::intake::AttachmentRow>(&cfg)?;
    export::<crate::intake::CustomerMessage>(&cfg)?;
    export::<crate::intake::UrgentNotice>(&cfg)?;
    export::<crate::intake::MailboxSettings>(&cfg)?;
    export::<crate::intake::InboxView>(&cfg)?;
    export::<crate::intake::InboxCheck>(&cfg)?;
    export::<crate::intake::InboxRound>(&cfg)?;
    export::<crate::outbox::MessageFilter>(&cfg)?;
    export::<crate::outbox::MailSettings>(&cfg)?;
    export::<crate::outbox::ClientMailPrefs>(&cfg)?;
    export::<crate::outbox::AttachmentInfo>(&cfg)?;
    export::<crate::outbox::templates::Template>(&cfg)?;
    export::<crate::sending::AccountSettings>(&cfg)?;
    export::<crate::sending::AccountView>(&cfg)?;
    export::<crate::store::keychain::SecretStore>(&cfg)?;
    export::<crate::sending::SendReport>(&cfg)?;
    export::<crate::reports::statement_mail::StatementMailResult>(&cfg)?;
    export::<crate::reports::statement_mail::StatementMailProgress>(&cfg)?;
    // Not a type: the words for the vocabularies and the months (rapportino_model::labels).
    std::fs::write(dir.join("labels.ts"), crate::labels::typescript())?;
    Ok(())
}
