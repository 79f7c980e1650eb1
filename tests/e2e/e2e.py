#!/usr/bin/env python3
"""End-to-end test of the real Rapportino binary through tauri-driver (WebDriver).

Usage: e2e.py SCENARIO  (SCENARIO: main | bad-db | demo | services | reports | restart | day | desk | sync | sync-hub | join-hub | field | mail). Started by run.sh, which provides the driver
(TAURI_DRIVER_URL), the binary (RAPPORTINO_BIN), a fresh RAPPORTINO_DB and ARTIFACTS_DIR.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from day import scenario_day, scenario_restart
from field import scenario_field
from intake import scenario_intake
from intake_hub import scenario_intake_hub
from mail import scenario_mail
from quotes import scenario_quotes
from desk import scenario_desk
from join_hub import scenario_join_hub
from sync_hub import scenario_sync_hub
from sync_ui import scenario_sync
from helpers import (
    CLOCK,
    DRIVER_LOST_ERRORS,
    ENTER,
    LOST_DRIVER,
    Driver,
    draw,
    invoke,
    onboard,
    scroll_to,
    select,
    shot,
    start,
    step,
    window_titles,
)


def scenario_main(d: Driver) -> None:
    step("first start shows onboarding")
    d.wait("[data-testid=onboarding]", timeout=60)
    d.wait("#shop_name")
    shot(d, "01-onboarding")

    step("a wrong technician code is shown beside its field")
    d.wait("#shop_name").type("Assistenza Informatica Rossi")
    d.wait("#technician_name").type("Mario Rossi")
    d.wait("#technician_code").type("M")
    d.wait("form button[type=submit]").click()
    d.wait("#technician_code-error")
    d.wait("#technician_code").clear().type("MR")
    d.wait("form button[type=submit]").click()

    step("onboarded: the dashboard, empty, and an empty timer bar")
    d.wait("#global-search", timeout=20)
    d.wait("[data-testid=timer-bar]", text="Nessun timer")
    d.wait("[data-testid=dashboard][data-loaded=true]")
    d.wait("[data-testid=dash-tickets] .empty")
    d.wait("[data-testid=dash-sync]", text="Non configurata")
    shot(d, "02-dashboard-empty")

    step("new client: an invalid P.IVA is refused beside the field")
    d.wait("nav a[href='#/clients']").click()
    d.wait("a[href='#/clients/new']").click()
    d.wait("#client-name").type("Ferramenta Bianchi Srl")
    d.wait("#client-vat_number").type("00743110158")
    d.wait("#client-street").type("Via Roma 12")
    d.wait("#client-postcode").type("20121")
    d.wait("#client-city").type("Milano")
    d.wait("#client-province").type("mi")
    d.wait("#client-email").type("info@ferramentabianchi.it")
    d.wait("#client-phone").type("02 1234567")
    d.wait("[data-testid=client-form] button[type=submit]").click()
    err = d.wait("#client-vat_number-error")
    assert err.attribute("data-code") == "INVALID_VAT_NUMBER", err.attribute("data-code")
    assert "Partita IVA" in err.text and "INVALID_VAT_NUMBER" not in err.text, err.text
    shot(d, "03-client-form-error")
    d.wait("#client-vat_number").clear().type("00743110157")
    # Checked as typed: the save button comes back once the check answers.
    d.wait_gone("#client-vat_number-error")
    d.wait("[data-testid=client-save]:not([disabled])").click()
    title = d.wait("[data-testid=client-title]", text="Ferramenta Bianchi")
    step(f"client page: {title.text}")
    shot(d, "04-client-page")

    step("global search finds the client")
    d.wait("a[href='#/tickets']").click()
    d.wait("[data-testid=ticket-list], main .empty")
    search = d.wait("#global-search")
    search.type("bianchi")
    hit = d.wait("#global-search-results [role=option]", text="Ferramenta Bianchi")
    shot(d, "05-search")
    search.type(ENTER)
    d.wait("[data-testid=client-title]", text="Ferramenta Bianchi")
    del hit

    step("open a ticket for the client")
    d.wait("a[href^='#/tickets/new?client=']").click()
    d.wait("[data-testid=picked-client]", text="Ferramenta Bianchi")
    d.script("const s = document.getElementById('ticket-severity'); s.value = 'blocking'; s.dispatchEvent(new Event('change'));")
    d.wait("#ticket-title").type("Il server non parte")
    d.wait("#ticket-description").type("Dopo il temporale di stanotte il server del magazzino non si accende.")
    d.wait("[data-testid=ticket-form] button[type=submit]").click()
    number = d.wait("[data-testid=ticket-number]").text
    assert re.match(r"^T-\d{4}-MR-0001$", number), number
    step(f"ticket {number}")
    shot(d, "06-ticket")

    step("remote intervention: started from the ticket, its timer runs at once")
    d.wait("[data-testid=intervention-new-remote]").click()
    d.wait("[data-testid=timer-stop]")
    d.wait("[data-testid=timer-bar-clock]")
    time.sleep(3.2)
    clock = d.wait("[data-testid=timer-clock]").text
    assert CLOCK.match(clock) and clock != "00:00:00", clock
    bar = d.wait("[data-testid=timer-bar]").text
    assert number in bar, bar
    d.wait("#intervention-work_done").type("Sostituito l'alimentatore, server riavviato e verificato.")
    titles = [t for t in window_titles() if "Rapportino" in t]
    step(f"window titles: {titles}")
    assert any(t.startswith("⏱ ") and number in t for t in titles), titles
    shot(d, "07-timer-running")

    step("stop the timer and save the report")
    d.wait("[data-testid=timer-stop]").click()
    d.wait("[data-testid=timer-state]", text="Terminato")
    d.wait("[data-testid=timer-bar]", text="Nessun timer")
    d.wait("main form button[type=submit]").click()
    d.wait("main [role=status]", text="Salvato")
    stopped = d.wait("[data-testid=timer-clock]").text
    time.sleep(1.5)
    assert d.wait("[data-testid=timer-clock]").text == stopped, "a stopped timer must not tick"
    shot(d, "08-timer-stopped")

    step("the ticket shows the intervention; English toggle")
    d.script("window.scrollTo(0, 0)")  # the crumbs sit under the sticky header when scrolled
    d.wait("main .crumbs a[href^='#/tickets/']").click()
    d.wait("[data-testid=intervention-list]")
    d.wait("header button", text="English").click()
    d.wait("nav a", text="Clients")
    shot(d, "09-ticket-english")


def scenario_bad_db(d: Driver) -> None:
    step("a file that is not ours: the UI loads and says so")
    box = d.wait("[data-testid=fatal-error]", timeout=60)
    code = d.wait("[data-testid=fatal-error] [data-testid=error-box]").attribute("data-code")
    assert code == "DATABASE_NOT_OURS", code
    assert "non è un archivio di Rapportino" in box.text, box.text
    shot(d, "10-database-not-ours")


def scenario_demo(d: Driver) -> None:
    step("first start: try it with demo data")
    d.wait("[data-testid=demo-button]", timeout=60).click()
    d.wait("#global-search", timeout=120)
    step("the dashboard of a busy technician: tickets by urgency, balances to watch")
    d.wait("[data-testid=dashboard][data-loaded=true]", timeout=30)
    d.wait("[data-testid=dash-tickets] [data-testid=urgency-list] a")
    d.wait("[data-testid=dash-balance-row]")
    shot(d, "11-demo-dashboard")
    d.wait("nav a[href='#/tickets']").click()
    rows = d.wait("[data-testid=ticket-list]", timeout=30)
    assert rows.text.count("T-") >= 5, rows.text
    shot(d, "11b-demo-tickets")
    step("search the demo data")
    d.wait("#global-search").type("server")
    d.wait("#global-search-results [role=option]")
    shot(d, "12-demo-search")
    d.wait("#global-search").type(ENTER)
    d.wait("main h1")
    d.script("window.scrollTo(0, 0)")
    shot(d, "13-demo-opened")
    step("a demo client's page")
    d.wait("nav a[href='#/clients']").click()
    d.wait("[data-testid=client-list] a").click()
    d.wait("[data-testid=client-title]")
    shot(d, "14-demo-client")


def scenario_services(d: Driver) -> None:
    onboard(d)

    step("settings: a 5x8 coverage calendar from the preset")
    d.wait("[data-testid=nav-settings]").click()
    d.wait("[data-testid=preset-5x8]").click()
    d.wait("[data-testid=calendar-form]")
    assert d.wait("#calendar-name").attr("value") == "Standard 5x8"
    assert len(d.find_all("[data-testid=weekday-1] .interval")) == 2
    assert len(d.find_all("[data-testid=weekday-6] .interval")) == 0

    step("an overlapping interval is refused beside the week (CALENDAR_OVERLAP)")
    d.wait("[data-testid=add-interval-3]").click()
    d.wait("[data-testid=win-3-2-start]").clear().type("12:00")
    d.wait("[data-testid=win-3-2-end]").clear().type("15:00")
    d.wait("[data-testid=calendar-save]").click()
    err = d.wait("[data-testid=windows-error]")
    assert err.attribute("data-code") == "CALENDAR_OVERLAP", err.attribute("data-code")
    d.wait("[data-testid=weekday-3].bad")
    scroll_to(d, "#calendar-windows")
    shot(d, "20-calendar-overlap")
    d.wait("[data-testid=weekday-3] .interval:nth-of-type(3) button.remove").click()

    step("Saint Ambrose closed every year; saved")
    d.wait("[data-testid=add-exception]").click()
    d.wait("[data-testid=exception-0-date]").type("07/12")
    d.wait("[data-testid=exception-0-note]").type("Sant'Ambrogio")
    d.wait("[data-testid=calendar-save]").click()
    d.wait("main [role=status]", text="Salvato")
    d.wait_gone("[data-testid=windows-error]")
    d.script("window.scrollTo(0, 0)")
    shot(d, "21-calendar-editor")

    step("a 7x8 calendar too, for blocking tickets at the weekend")
    d.wait("main .crumbs a[href='#/settings/calendars']").click()
    d.wait("[data-testid=calendar-list]", text="Standard 5x8")
    d.wait("[data-testid=preset-7x8]").click()
    d.wait("[data-testid=calendar-form]")
    assert d.wait("#calendar-name").attr("value") == "Esteso 7x8"

    step("customer classes: presets and their matrix")
    d.wait("main .crumbs a[href='#/settings/calendars']").click()
    d.wait("[data-testid=calendar-list]", text="Esteso 7x8")
    d.wait("[data-testid=settings-tab-classes]").click()
    d.wait("[data-testid=install-class-presets]").click()
    d.wait("[data-testid=class-matrix]", text="pay_per_incident")
    shot(d, "22-classes")
    d.wait("[data-testid=settings-tab-billing]").click()
    d.wait("[data-testid=billing-form]")
    assert d.wait("#billing-on_site_rate_cents").attr("value") == "50,00"

    step("notifications: conflicts off, a long timer after 2 hours; remembered")
    d.wait("[data-testid=settings-tab-general]").click()
    d.wait("[data-testid=notices-form]")
    assert d.wait("[data-testid=notice-conflicts]").attr("checked")
    assert d.wait("[data-testid=notice-hours]").attr("value") == "4"
    d.wait("[data-testid=notice-conflicts]").click()
    d.wait("main [role=status]", text="Preferenze salvate")
    d.wait("[data-testid=notice-hours]").clear().type("2")
    d.wait("[data-testid=notice-sla]").click()
    d.wait("[data-testid=notice-sla]").click()
    shot(d, "22b-notifications")
    d.wait("[data-testid=settings-tab-billing]").click()
    d.wait("[data-testid=billing-form]")
    d.wait("[data-testid=settings-tab-general]").click()
    d.wait("[data-testid=notices-form]")
    assert not d.wait("[data-testid=notice-conflicts]").attr("checked")
    assert d.wait("[data-testid=notice-sla]").attr("checked")
    assert d.wait("[data-testid=notice-hours]").attr("value") == "2"

    step("a client with a patron saint's day")
    d.wait("nav a[href='#/clients']").click()
    d.wait("a[href='#/clients/new']").click()
    d.wait("#client-name").type("Studio Bianchi Commercialisti")
    d.wait("#client-city").type("Monza")
    d.wait("#client-patron_day").type("24/06")
    d.wait("[data-testid=client-form] button[type=submit]").click()
    d.wait("[data-testid=client-title]", text="Studio Bianchi")
    d.wait("main", text="24/06")

    step("an SLA contract: the PIN is required with extra time (beside its field)")
    d.wait("[data-testid=new-contract]").click()
    d.wait("[data-testid=contract-form]")
    d.wait("#contract-name").type("Assistenza SLA 2026")
    d.wait("#target-blocking-response-minutes").type("30")
    d.wait("#target-blocking-intervention-hours").type("2")
    d.wait("#target-degraded-intervention-hours").type("8")
    # Issue 17: a resolution target, and blocking tickets on 7x8 while the rest stays 5x8. A
    # resolution shorter than the intervention is refused on the targets first.
    d.wait("#target-blocking-resolution-minutes").type("60")
    # Two calendars now: the contract's is picked by hand (5x8), blocking's own is 7x8.
    for css, name in (("#contract-calendar_id", "Standard 5x8"), ("#calendar-blocking", "Esteso 7x8")):
        d.script(
            "const s = document.querySelector(arguments[0]);"
            "s.value = [...s.options].find((o) => o.text === arguments[1]).value;"
            "s.dispatchEvent(new Event('change', {bubbles: true}));",
            css,
            name,
        )
    d.wait("#contract-included_minutes-hours").type("20")
    d.wait("#contract-extra_time_allowed").click()
    d.wait("#contract-overage_rate_cents").type("45,00")
    d.wait("#contract-rounding_minutes").type("15")
    d.wait("[data-testid=contract-save]").click()
    err = d.wait("#contract-targets-error")
    assert err.attribute("data-code") == "OUT_OF_RANGE", err.attribute("data-code")
    d.wait("#target-blocking-resolution-minutes").clear().type(" ")
    d.wait("#target-blocking-resolution-hours").type("8")
    d.wait("[data-testid=contract-save]").click()
    err = d.wait("#contract-extra_time_pin-error")
    assert err.attribute("data-code") == "REQUIRED", err.attribute("data-code")
    d.wait("#contract-extra_time_pin").type("4711")
    d.script("window.scrollTo(0, 0)")
    time.sleep(0.3)
    shot(d, "23-contract-form")
    d.wait("[data-testid=contract-save]").click()
    d.wait("[data-testid=contract-list]", text="Assistenza SLA 2026")

    step("a 24-hour remote package")
    d.wait("[data-testid=new-contract]").click()
    d.wait("[data-testid=kind-hour_package]").click()
    select(d, "#contract-package_mode", "remote")
    d.wait("[data-testid=contract-save]").click()
    d.wait("[data-testid=contract-list]", text="Pacchetto 24 ore remoto")
    d.wait("[data-testid=balances]", text="Pacchetto 24 ore remoto")

    step("a 12-hour package bought last year and expired: its hours are shown as lost")
    fmt = "%d/%m/%Y"
    today = datetime.date.today()
    d.wait("[data-testid=new-contract]").click()
    d.wait("[data-testid=kind-hour_package]").click()
    select(d, "#contract-included_minutes", "12")
    d.wait("#contract-starts_on").clear().type((today - datetime.timedelta(days=385)).strftime(fmt))
    d.wait("#contract-ends_on").type((today - datetime.timedelta(days=20)).strftime(fmt))
    d.wait("[data-testid=contract-save]").click()
    d.wait("[data-testid=forfeited]", text="12 h")

    step("an incident pack of 10 tickets; a contract that ends before it starts is refused (INVALID_PERIOD)")
    d.wait("[data-testid=new-contract]").click()
    d.wait("[data-testid=kind-incident_pack]").click()
    d.wait("#contract-ends_on").type((today - datetime.timedelta(days=1)).strftime(fmt))
    d.wait("[data-testid=contract-save]").click()
    err = d.wait("#contract-ends_on-error")
    assert err.attribute("data-code") == "INVALID_PERIOD", err.attribute("data-code")
    d.wait("#contract-ends_on").clear().type(" ")  # clearing alone fires no input event
    d.wait("[data-testid=contract-save]").click()
    d.wait("[data-testid=balances]", text="Pacchetto 10 ticket")

    step("a blocking ticket: the SLA panel and the governing contract")
    d.wait("a[href^='#/tickets/new?client=']").click()
    d.wait("[data-testid=picked-client]", text="Studio Bianchi")
    select(d, "#ticket-severity", "blocking")
    select(d, "#ticket-service", "upgrades")
    d.wait("#ticket-title").type("Il gestionale non si avvia")
    d.wait("#ticket-out_of_scope").click()
    d.wait("[data-testid=ticket-form] button[type=submit]").click()
    d.wait("[data-testid=ticket-number]")
    d.wait("[data-testid=entitlement-out_of_scope]", text="preventivo")
    panel = d.wait("[data-testid=sla-panel]")
    assert "Assistenza SLA 2026" in d.wait("[data-testid=sla-governing]").text, panel.text
    d.wait("[data-testid=sla-clock-intervention]")
    d.wait("[data-testid=sla-clock-resolution]")
    assert "Esteso 7x8" in d.wait("[data-testid=sla-governing]").text
    state = d.wait("[data-testid=sla-state-intervention]").text
    assert state.casefold() in ("nei tempi", "a rischio"), state
    assert d.wait("[data-testid=sla-state-response]").text.casefold() == "rispettato"
    shot(d, "24-ticket-sla")

    step("extra time: a wrong PIN is refused in its field, the right one runs the clocks in real time")
    d.wait("[data-testid=extra-time-claim]").click()
    d.wait("#extra-time-pin").type("1234")
    d.wait("[data-testid=extra-time-form] button[type=submit]").click()
    err = d.wait("[data-testid=extra-time-pin-error]")
    assert err.attribute("data-code") == "WRONG_PIN" and "PIN" in err.text and "WRONG_PIN" not in err.text, err.text
    d.wait("#extra-time-pin").clear().type("4711")
    d.wait("[data-testid=extra-time-form] button[type=submit]").click()
    d.wait("[data-testid=sla-wall-clock]", text="tempo reale")
    d.wait("[data-testid=extra-time-state]", text="PIN verificato")
    left = d.wait("[data-testid=sla-left-intervention]").text
    time.sleep(2.2)
    assert d.wait("[data-testid=sla-left-intervention]").text != left, "a wall-clock countdown ticks"
    shot(d, "25-ticket-extra-time")

    step("the tickets by SLA urgency")
    d.wait("nav a[href='#/tickets']").click()
    d.wait("[data-testid=view-sla]").click()
    d.wait("[data-testid=urgency-list]", text="Il gestionale non si avvia")
    d.wait("[data-testid=urgency-order-hint]", text="classe del cliente")
    # The client has no customer class: no class priority beside its name.
    assert not d.find_all("[data-testid=class-priority]")
    shot(d, "26-urgency")

    step("an intervention: who pays, as a preview while it runs")
    d.wait("[data-testid=urgency-list] a").click()
    d.wait("[data-testid=intervention-new-remote]").click()
    # The ticket is outside the contract with no accepted quote: the warning comes first.
    d.wait("[data-testid=confirm-message]", text="preventivo")
    d.wait("[data-testid=confirm-ok]").click()
    d.wait("[data-testid=timer-stop]")
    d.wait("[data-testid=allocation]")
    time.sleep(1.5)
    d.wait("[data-testid=timer-stop]").click()
    d.wait("[data-testid=timer-state]", text="Terminato")
    d.wait("[data-testid=allocation-line]")
    scroll_to(d, "[data-testid=allocation]")
    shot(d, "27-allocation")

    step("the client's balances")
    d.script("window.scrollTo(0, 0)")
    d.wait("main .crumbs a[href^='#/clients/']").click()
    d.wait("[data-testid=balances]", text="Assistenza SLA 2026")
    scroll_to(d, "[data-testid=contract-list]")
    shot(d, "28-client-balances")


def scenario_reports(d: Driver) -> None:
    printed = Path(os.environ["PRINTED_DIR"])
    step("demo data; a demo client's latest intervention")
    d.wait("[data-testid=demo-button]", timeout=60).click()
    d.wait("#global-search", timeout=120)
    d.wait("nav a[href='#/clients']").click()
    d.wait("[data-testid=client-list] a").click()
    d.wait("[data-testid=intervention-list] a[href^='#/interventions/']", timeout=30).click()

    step("the report: a numbered draft with its preview")
    d.wait("[data-testid=intervention-report]").click()
    number = d.wait("[data-testid=report-number]").text
    assert re.match(r"^RI-\d{4}-[A-Z0-9]+-0001$", number), number
    d.wait("[data-testid=report-status]", text="Bozza")
    d.wait("[data-testid=report-preview]")

    step("signing with no customer signature nor name is refused beside the pad")
    d.wait("[data-testid=report-sign]").click()
    err = d.wait("[data-testid=pad-customer-error], #customer_signer_name-error")
    assert err.attribute("data-code") in ("REQUIRED", "SIGNATURE_EMPTY"), err.attribute("data-code")
    d.wait("[data-testid=report-status]", text="Bozza")

    step("both sign on the pads; the name is typed")
    scroll_to(d, "[data-testid=sign-form]")
    draw(d, "[data-testid=pad-customer]")
    d.wait("#customer_signer_name").type("Anna Bellè")
    draw(d, "[data-testid=pad-technician]", wiggle=1.7)
    shot(d, "30-report-signing")
    d.wait("[data-testid=report-sign]").click()
    d.wait("[data-testid=report-status]", text="Firmato", timeout=20)
    short = d.wait("[data-testid=report-hash]").text
    assert re.match(r"^[0-9a-f]{4}( [0-9a-f]{4}){3}$", short), short
    d.wait_gone("[data-testid=sign-form]")
    d.script("window.scrollTo(0, 0)")
    shot(d, "31-report-signed")

    step("verify: intact")
    d.wait("[data-testid=report-verify]").click()
    d.wait("[data-testid=report-verification]", text="Integro")

    step("print from the printer dialog (no CUPS here: it says so; the print command is a copy), then save as")
    d.wait("[data-testid=report-print]").click()
    d.wait("[data-testid=print-dialog]")
    d.wait("[data-testid=print-confirm]:not([disabled])").click()
    d.wait_gone("[data-testid=print-dialog]")
    d.wait("[data-testid=report-notice]", text="stampante")
    pdfs = list(printed.glob("*.pdf"))
    assert [p.name for p in pdfs] == [f"{number}.pdf"], pdfs
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Anna Bellè" in flat and number in flat and short in flat, flat[:2000]
    report_id = d.script("return location.hash.split('/').pop()")
    # A path from the web view: only one picked in a dialog or in the app's folders (rapporti/).
    _, err = invoke(d, "save_report_as", {"id": report_id, "path": str(printed.parent / "salvato.pdf")})
    assert err and err["code"] == "PATH_NOT_ALLOWED", err
    target = printed.parent / "rapporti" / "salvato.pdf"
    saved, err = invoke(d, "save_report_as", {"id": report_id, "path": str(target)})
    assert err is None and saved["path"] == str(target) and target.stat().st_size > 1000, (saved, err)
    assert target.stat().st_mode & 0o777 == 0o600, oct(target.stat().st_mode)
    _, err = invoke(d, "save_report_as", {"id": report_id, "path": str(printed.parent / "rapporti" / "no" / "such" / "r.pdf")})
    assert err and err["code"] == "OUTPUT_UNWRITABLE", err

    step("a signed report cannot be signed again; an amendment supersedes it")
    blank = {"signer_name": "X", "width": 400, "height": 150, "strokes": []}
    _, err = invoke(d, "sign_report", {"id": report_id, "input": {"customer": blank, "technician": blank}})
    assert err and err["code"] == "REPORT_ALREADY_SIGNED", err
    d.wait("[data-testid=report-amend]").click()
    d.wait("[data-testid=confirm-dialog]", text="rettifica")
    d.wait("[data-testid=confirm-ok]").click()
    d.wait("[data-testid=report-number]", text="-0002")
    d.wait("main", text="Sostituisce il rapporto " + number)

    step("the reports list: search by client, signed only")
    d.wait("[data-testid=nav-reports]").click()
    d.wait("[data-testid=report-list]", text=number)
    select(d, "[data-testid=reports-status]", "signed")
    d.wait("[data-testid=report-list]", text=short)
    time.sleep(0.5)
    rows = d.find_all("[data-testid=report-row]")
    assert len(rows) == 1 and number in rows[0].text, [r.text for r in rows]
    shot(d, "32-reports-list")
    d.wait("[data-testid=reports-search]").type("nessun cliente si chiama così")
    d.wait("main .empty")

    step("monthly statements for every client, with progress")
    d.wait("main a[href='#/statements']").click()
    d.wait("[data-testid=statements-generate]").click()
    summary = d.wait("[data-testid=statements-summary]", timeout=120)
    m = re.search(r"(\d+) rendiconti", summary.text)
    assert m and int(m.group(1)) > 0, summary.text
    shot(d, "33-statements")


SCENARIOS = {
    "main": scenario_main,
    "bad-db": scenario_bad_db,
    "demo": scenario_demo,
    "services": scenario_services,
    "reports": scenario_reports,
    "restart": scenario_restart,
    "day": scenario_day,
    "desk": scenario_desk,
    "sync": scenario_sync,
    "sync-hub": scenario_sync_hub,
    "join-hub": scenario_join_hub,
    "field": scenario_field,
    "mail": scenario_mail,
    "intake": scenario_intake,
    "intake-hub": scenario_intake_hub,
    "quotes": scenario_quotes,
}


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else "main"
    scenario = SCENARIOS[name]
    print(f"e2e scenario {name}", flush=True)
    try:
        d = start()
    except DRIVER_LOST_ERRORS as e:
        print(f"e2e scenario {name}: no WebDriver session ({e})", flush=True)
        return LOST_DRIVER
    try:
        # A scenario that restarts the app returns its new session.
        d = scenario(d) or d
    except DRIVER_LOST_ERRORS as e:
        print(f"e2e scenario {name}: lost the WebDriver connection ({e!r})", flush=True)
        try:  # the display, not the driver: shows what the app looked like when it dropped
            shot(d, f"lost-driver-{name}")
        except Exception:  # noqa: BLE001
            pass
        return LOST_DRIVER
    except Exception:
        try:
            shot(d, f"failure-{name}")
        except Exception as e:  # noqa: BLE001 - the original failure matters more
            print(f"  (no failure screenshot: {e})")
        raise
    finally:
        d.quit()
    print(f"e2e scenario {name}: OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
