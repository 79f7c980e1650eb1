//! The Tauri commands: one file per area (setup, clients, tickets, interventions, search, and the
//! service models: calendars, classes, contracts, ledger; reports and statements), each command a thin adapter that parses
//! its arguments, calls ONE core function and maps the error to [`crate::error::CommandError`]. No
//! business rules here: they live in `rapportino-core`.
//!
//! How to add a command: write it in its area's file, add it to [`COMMANDS`] and to [`handler`],
//! add it to the list in `build.rs` (which generates its `allow-…` permission) and grant it in
//! `capabilities/default.json`; then add its wrapper to `ui/src/lib/api.ts`. The test
//! `every_command_is_granted` fails when these lists disagree.

pub mod calendars;
pub mod classes;
pub mod clients;
pub mod contracts;
pub mod dashboard;
pub mod interventions;
pub mod ledger;
pub mod reports;
pub mod search;
pub mod setup;
pub mod shell;
pub mod tickets;

/// Every command the UI may call (kept in step with `build.rs` and the capability file).
pub const COMMANDS: &[&str] = &[
    "setup_status",
    "onboard",
    "load_demo_data",
    "list_technicians",
    "set_ui_locale",
    "dashboard",
    "list_clients",
    "create_client",
    "update_client",
    "client_overview",
    "search",
    "list_tickets",
    "ticket_detail",
    "open_ticket",
    "transition_ticket",
    "create_intervention",
    "intervention_detail",
    "update_intervention",
    "timer_start",
    "timer_pause",
    "timer_resume",
    "timer_stop",
    "running_timer",
    "set_ticket_terms",
    "claim_extra_time",
    "ticket_sla",
    "urgency_list",
    "list_calendars",
    "get_calendar",
    "calendar_preset_input",
    "create_calendar",
    "create_calendar_from_preset",
    "update_calendar",
    "archive_calendar",
    "italian_holidays",
    "list_customer_classes",
    "create_customer_class",
    "update_customer_class",
    "install_class_presets",
    "client_contracts",
    "get_contract",
    "create_contract",
    "update_contract",
    "archive_contract",
    "client_balances",
    "intervention_allocation",
    "billing_defaults",
    "set_billing_defaults",
    "monthly_statement",
    "archive_customer_class",
    "pay_intervention_from",
    "create_report",
    "report_preview",
    "sign_report",
    "verify_report",
    "amend_report",
    "list_reports",
    "save_report_as",
    "open_report",
    "print_report",
    "save_statement_as",
    "statements_batch",
    "open_folder",
    "set_shop_logo",
    "clear_shop_logo",
];

/// The invoke handler with every command registered.
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        setup::setup_status,
        setup::onboard,
        setup::load_demo_data,
        setup::list_technicians,
        shell::set_ui_locale,
        dashboard::dashboard,
        clients::list_clients,
        clients::create_client,
        clients::update_client,
        clients::client_overview,
        search::search,
        tickets::list_tickets,
        tickets::ticket_detail,
        tickets::open_ticket,
        tickets::transition_ticket,
        interventions::create_intervention,
        interventions::intervention_detail,
        interventions::update_intervention,
        interventions::timer_start,
        interventions::timer_pause,
        interventions::timer_resume,
        interventions::timer_stop,
        interventions::running_timer,
        tickets::set_ticket_terms,
        tickets::claim_extra_time,
        tickets::ticket_sla,
        tickets::urgency_list,
        calendars::list_calendars,
        calendars::get_calendar,
        calendars::calendar_preset_input,
        calendars::create_calendar,
        calendars::create_calendar_from_preset,
        calendars::update_calendar,
        calendars::archive_calendar,
        calendars::italian_holidays,
        classes::list_customer_classes,
        classes::create_customer_class,
        classes::update_customer_class,
        classes::install_class_presets,
        contracts::client_contracts,
        contracts::get_contract,
        contracts::create_contract,
        contracts::update_contract,
        contracts::archive_contract,
        ledger::client_balances,
        ledger::intervention_allocation,
        ledger::billing_defaults,
        ledger::set_billing_defaults,
        ledger::monthly_statement,
        classes::archive_customer_class,
        ledger::pay_intervention_from,
        reports::create_report,
        reports::report_preview,
        reports::sign_report,
        reports::verify_report,
        reports::amend_report,
        reports::list_reports,
        reports::save_report_as,
        reports::open_report,
        reports::print_report,
        reports::save_statement_as,
        reports::statements_batch,
        reports::open_folder,
        reports::set_shop_logo,
        reports::clear_shop_logo,
    ]
}
