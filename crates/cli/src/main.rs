//! rapportino-cli: every core operation, headless. Human-readable output by default, `--json` for
//! scripts; `--db PATH` selects the database (default: the app's own file, or `$RAPPORTINO_DB`).

mod commands;
mod output;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use commands::{
    backup, bench, calendars, classes, clients, contracts, dashboard, demo, export, import, intake,
    interventions, ledger, mail, quotes, reports, search, setup, statement, sync, tickets,
};
use output::Out;
use rapportino_core::time::{parse_user_instant, ManualClock};
use rapportino_core::{paths, Store};

#[derive(Parser)]
#[command(
    name = "rapportino-cli",
    version,
    about = "Rapportino, headless: clients, tickets, interventions, timers, contracts, SLA, \
             hour balances, signed reports, statements, search, demo data"
)]
struct Cli {
    /// Database file (default: the app's data file; env RAPPORTINO_DB).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Pretend it is this instant (dd/mm/yyyy HH:MM or RFC 3339): reproducible scripts and tests
    /// of SLA clocks and timers. Writes are stamped with it too; not for everyday use.
    #[arg(long, global = true, hide = true, value_name = "INSTANT")]
    now: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set up this device: shop, technician, device code.
    Onboard(setup::OnboardArgs),
    /// Show whether this device is set up, its code and technician.
    Status,
    /// The app's home screen: the timer, my open tickets by urgency, today's work, balances.
    Dashboard,
    /// Copy the database to FILE (SQLite online backup: safe while the app is open).
    Backup { file: std::path::PathBuf },
    /// Replace the data with the backup FILE (a safety copy of the current data is kept).
    Restore(backup::RestoreArgs),
    /// List the backups in the folder beside the database, or make today's (`--auto`).
    Backups(backup::BackupsArgs),
    /// Sync with the office hub: enrol, sync now, status, conflicts, quarantine.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// Shop data printed on reports.
    #[command(subcommand)]
    Shop(setup::ShopCommand),
    /// Technicians.
    #[command(subcommand)]
    Technician(setup::TechnicianCommand),
    /// Clients.
    #[command(subcommand)]
    Client(clients::ClientCommand),
    /// Client sites (addresses for on-site work).
    #[command(subcommand)]
    Site(clients::SiteCommand),
    /// Client contacts (who may open requests).
    #[command(subcommand)]
    Contact(clients::ContactCommand),
    /// Tickets: open, move, terms, extra time, SLA urgency.
    #[command(subcommand, visible_alias = "tickets")]
    Ticket(tickets::TicketCommand),
    /// Interventions on tickets.
    #[command(subcommand)]
    Intervention(interventions::InterventionCommand),
    /// Material lines of an intervention.
    #[command(subcommand)]
    Material(interventions::MaterialCommand),
    /// The timer of an intervention.
    #[command(subcommand)]
    Timer(interventions::TimerCommand),
    /// Time entries: manual work, corrections, review of flagged segments.
    #[command(subcommand)]
    Time(interventions::TimeCommand),
    /// Coverage calendars (fasce orarie), presets, holidays, business-time arithmetic.
    #[command(subcommand, visible_alias = "calendars")]
    Calendar(calendars::CalendarCommand),
    /// Customer classes: channels and services each class is entitled to.
    #[command(subcommand, visible_alias = "classes")]
    Class(classes::ClassCommand),
    /// Contracts: SLA, hour packages, incident packs, free hours, time and materials.
    #[command(subcommand, visible_alias = "contracts")]
    Contract(contracts::ContractCommand),
    /// A client's balances: hours used, left and lost per contract, incident tickets.
    Balances(ledger::BalancesArgs),
    /// Who paid for an intervention's minutes, and why.
    Allocation(ledger::AllocationArgs),
    /// A client's monthly statement (rendiconto): its data, or `--pdf FILE`.
    Statement(statement::StatementArgs),
    /// Every client's monthly statement PDF for a month, into a folder, with progress.
    Statements(reports::StatementsArgs),
    /// Rapporti d'intervento: create, show, sign, pdf, verify, amend, list.
    #[command(subcommand, visible_alias = "reports")]
    Report(reports::ReportCommand),
    /// Quotes (preventivi): new, lines, show, list, send, accept, refuse, pdf, verify.
    #[command(subcommand, visible_alias = "quotes")]
    Quote(quotes::QuoteCommand),
    /// The article catalogue (listino) with VAT rates.
    #[command(subcommand)]
    Catalogue(quotes::CatalogueCommand),
    /// The shop's billing terms for work no contract prices.
    #[command(subcommand)]
    Billing(ledger::BillingCommand),
    /// Full-text search across clients, tickets and interventions.
    Search(search::SearchArgs),
    /// The local change log (what sync will push).
    Changes(search::ChangesArgs),
    /// Import clients, sites or contacts from a CSV file (`--dry-run` to check first).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Export clients, tickets, interventions, time entries, materials or billable lines as CSV.
    Export(export::ExportArgs),
    /// Fill an empty database with deterministic Italian demo data.
    Demo(demo::DemoArgs),
    /// Measure search and client opening on this database (see docs/BENCHMARKS.md).
    Bench(bench::BenchArgs),
    /// Customer messages (the outbox): status, list, retry, settings, templates.
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// E-mail to ticket without a hub: collect mailboxes, import mail, triage requests.
    #[command(subcommand)]
    Intake(intake::IntakeCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out { json: cli.json };
    match run(cli, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, out: Out) -> rapportino_core::Result<()> {
    let path = match cli.db {
        Some(p) => p,
        None => paths::default_database_path()?,
    };
    let mut store = Store::open(&path)?;
    if let Some(now) = &cli.now {
        let t = parse_user_instant("now", now, store.tz())?;
        store = store.with_clock(ManualClock::new(t));
    }
    let s = &mut store;
    match cli.command {
        Command::Onboard(a) => setup::onboard(s, out, a),
        Command::Status => setup::status(s, out),
        Command::Dashboard => dashboard::run(s, out),
        Command::Backup { file } => backup::backup_now(s, out, file),
        Command::Restore(a) => backup::restore(s, out, a),
        Command::Backups(a) => backup::backups(s, out, a),
        Command::Sync(c) => sync::run(s, out, c),
        Command::Shop(c) => setup::shop(s, out, c),
        Command::Technician(c) => setup::technician(s, out, c),
        Command::Client(c) => clients::client(s, out, c),
        Command::Site(c) => clients::site(s, out, c),
        Command::Contact(c) => clients::contact(s, out, c),
        Command::Ticket(c) => tickets::run(s, out, c),
        Command::Intervention(c) => interventions::intervention(s, out, c),
        Command::Material(c) => interventions::material(s, out, c),
        Command::Timer(c) => interventions::timer(s, out, c),
        Command::Time(c) => interventions::time(s, out, c),
        Command::Calendar(c) => calendars::run(s, out, c),
        Command::Class(c) => classes::run(s, out, c),
        Command::Contract(c) => contracts::run(s, out, c),
        Command::Balances(a) => ledger::balances(s, out, a),
        Command::Allocation(a) => ledger::allocation(s, out, a),
        Command::Statement(a) => statement::run(s, out, a),
        Command::Statements(a) => reports::batch(s, out, a),
        Command::Report(c) => reports::run(s, out, c),
        Command::Quote(c) => quotes::quote(s, out, c),
        Command::Catalogue(c) => quotes::catalogue(s, out, c),
        Command::Billing(c) => ledger::billing(s, out, c),
        Command::Search(a) => search::search(s, out, a),
        Command::Changes(a) => search::changes(s, out, a),
        Command::Import(c) => import::run(s, out, c),
        Command::Export(a) => export::run(s, out, a),
        Command::Demo(a) => demo::run(s, out, a),
        Command::Bench(a) => bench::run(s, out, a),
        Command::Mail(c) => mail::run(s, out, c),
        Command::Intake(c) => intake::run(s, out, c),
    }
}
