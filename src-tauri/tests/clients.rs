//! The client page's commands on the mock runtime: sites and contacts, fields checked as typed,
//! hours per month, closed tickets and the client's reports.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use serde_json::json;

#[test]
fn sites_and_contacts_created_edited_archived() {
    let h = harness();
    h.onboard();
    let c = h.ok("create_client", json!({"input": {"name": "Ottica Ferri"}}));
    let client = c["id"].as_str().unwrap();

    let site = h.ok(
        "create_site",
        json!({"client_id": client, "input": {"name": "Negozio", "city": "Lodi", "province": "lo"}}),
    );
    assert_eq!(site["province"], "LO");
    let id = site["id"].as_str().unwrap();
    let site = h.ok(
        "update_site",
        json!({"id": id, "input": {"name": "Negozio centro", "city": "Lodi"}}),
    );
    assert_eq!(site["name"], "Negozio centro");
    let e = h.err(
        "update_site",
        json!({"id": id, "input": {"name": "Negozio", "postcode": "123"}}),
    );
    assert_eq!(e["field"], "postcode");
    assert!(
        h.ok("archive_site", json!({"id": id, "archived": true}))["archived"]
            .as_bool()
            .unwrap()
    );

    let e = h.err(
        "create_contact",
        json!({"client_id": client, "input": {"name": "Luca Ferri", "authorised": true}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("REQUIRED"), Some("email"))
    );
    let person = h.ok(
        "create_contact",
        json!({"client_id": client, "input": {"name": "Luca Ferri", "email": "luca@otticaferri.it", "authorised": true}}),
    );
    let pid = person["id"].as_str().unwrap();
    let person = h.ok(
        "update_contact",
        json!({"id": pid, "input": {"name": "Luca Ferri", "role": "Titolare", "email": "luca@otticaferri.it"}}),
    );
    assert_eq!(person["role"], "Titolare");
    assert!(
        h.ok("archive_contact", json!({"id": pid, "archived": true}))["archived"]
            .as_bool()
            .unwrap()
    );

    let overview = h.ok("client_overview", json!({"id": client}));
    assert_eq!(overview["sites"][0]["archived"], true);
    assert_eq!(overview["contacts"][0]["role"], "Titolare");
    let e = h.err(
        "create_site",
        json!({"client_id": "not-a-uuid", "input": {"name": "X"}}),
    );
    assert_eq!(e["code"], "INVALID_FORMAT");
}

#[test]
fn fiscal_ids_checked_as_typed_by_core() {
    let h = harness();
    assert_eq!(
        h.ok(
            "check_client_field",
            json!({"field": "vat_number", "value": "00743110157"})
        ),
        json!(null)
    );
    let e = h.err(
        "check_client_field",
        json!({"field": "vat_number", "value": "00743110158"}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_VAT_NUMBER"), Some("vat_number"))
    );
    let e = h.err(
        "check_client_field",
        json!({"field": "fiscal_code", "value": "RSSMRA85T10A562X"}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_FISCAL_CODE"), Some("fiscal_code"))
    );
    assert_eq!(
        h.ok(
            "check_client_field",
            json!({"field": "fiscal_code", "value": ""})
        ),
        json!(null)
    );
}

#[test]
fn hours_chart_closed_tickets_and_reports_of_a_client() {
    let h = harness();
    h.onboard();
    let c = h.ok(
        "create_client",
        json!({"input": {"name": "Cartoleria Sala"}}),
    );
    let client = c["id"].as_str().unwrap();
    h.ok(
        "create_contract",
        json!({"input": {"client_id": client, "kind": "hour_package", "name": "Pacchetto 10 ore",
                         "starts_on": "01/01/2020", "ends_on": "31/12/2099", "included_minutes": 600,
                         "package_mode": "any"}}),
    );
    let hours = h.ok("client_monthly_hours", json!({"client_id": client}));
    let contracts = hours["contracts"].as_array().unwrap();
    assert_eq!(contracts.len(), 1);
    let months = contracts[0]["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[11]["available_minutes"], 600);
    assert_eq!(months[11]["used_minutes"], 0);

    let ticket = |title: &str| {
        h.ok(
            "open_ticket",
            json!({"input": {"client_id": client, "origin": "phone", "severity": "request",
                             "urgent": false, "is_bug": false, "title": title}}),
        )["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let open = ticket("Stampante");
    let done = ticket("Posta");
    h.ok(
        "transition_ticket",
        json!({"id": done, "input": {"to": "cancelled", "note": "Doppione"}}),
    );
    h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": open, "mode": "remote"}}),
    );
    let list = |filter: serde_json::Value| {
        h.ok(
            "list_tickets",
            json!({"filter": filter, "page": {"limit": 10, "offset": 0}}),
        )["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        list(json!({"client_id": client, "open_only": true})),
        vec![open.clone()]
    );
    assert_eq!(
        list(json!({"client_id": client, "closed_only": true})),
        vec![done]
    );
    let work = h.ok(
        "list_interventions",
        json!({"filter": {"client_id": client}, "page": {"limit": 1, "offset": 0}}),
    );
    assert_eq!(work["items"].as_array().unwrap().len(), 1);
    assert_eq!(work["items"][0]["ticket_id"], open.as_str());
    let reports = h.ok(
        "list_reports",
        json!({"filter": {"client_id": client}, "page": {"limit": 10, "offset": 0}}),
    );
    assert_eq!(reports["items"].as_array().unwrap().len(), 0);
    let e = h.err(
        "client_monthly_hours",
        json!({"client_id": "0190c6d2-0000-7000-8000-000000000000"}),
    );
    assert_eq!(e["code"], "NOT_FOUND");
}
