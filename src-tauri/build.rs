//! Generates the Tauri context and one `allow-<command>` permission per app command, so the
//! capability file (capabilities/default.json) grants each command explicitly. The list must match
//! `commands::handler()`; the test `every_command_is_granted` checks they agree.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "setup_status",
        "onboard",
        "load_demo_data",
        "list_technicians",
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
    ]);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        // The usual cause: the UI has not been built yet (frontendDist = ../ui/dist).
        eprintln!("tauri-build failed: {e:#}\nIf ../ui/dist is missing, run `npm ci && npm run build` in ui/ first.");
        std::process::exit(1);
    }
}
