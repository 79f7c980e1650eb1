"""The front desk's scenario (issue 14): a ticket taken with when the client reported it, who asked
(an unauthorised requester is warned about, not refused), the site, a category, the bug flag and the
assignee; the ticket edited after opening; a contract's channels and services edited; one client's
monthly statement; the printer choice on a machine without CUPS; error codes kept out of the
sentences (read from `data-code`)."""

from __future__ import annotations

import datetime
import os
import subprocess
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from day import keys
from helpers import Driver, invoke, onboard, scroll_to, select, shot, step
from transfer import import_and_export

ROME = ZoneInfo("Europe/Rome")


def ok(d: Driver, command: str, args: dict):
    value, err = invoke(d, command, args)
    assert err is None, (command, err)
    return value


def seed(d: Driver) -> dict:
    """What the front desk finds on a working day: a second technician, a client with an
    authorised and an unauthorised contact and a second site, an SLA contract on a 24/7 calendar
    (so that 3 business hours are 3 hours whatever the time the test runs)."""
    luca = ok(d, "create_technician", {"input": {"name": "Luca Verdi", "code": "LV"}})
    cal = ok(d, "create_calendar_from_preset", {"preset": "24x7"})
    client = ok(d, "create_client", {"input": {"name": "Studio Legale Neri", "city": "Monza"}})
    anna = ok(d, "create_contact", {"client_id": client["id"], "input": {
        "name": "Anna Neri", "role": "Titolare", "email": "anna@studioneri.it", "authorised": True}})
    bruno = ok(d, "create_contact", {"client_id": client["id"], "input": {"name": "Bruno Sala", "role": "Stagista"}})
    site = ok(d, "create_site", {"client_id": client["id"], "input": {"name": "Sede di Lissone"}})
    target = {"response_minutes": 120, "intervention_minutes": 480}
    contract = ok(d, "create_contract", {"input": {
        "client_id": client["id"], "kind": "sla", "name": "Assistenza Neri H24",
        "starts_on": (datetime.date.today() - datetime.timedelta(days=30)).isoformat(),
        "calendar_id": cal["id"], "targets": {"blocking": target, "degraded": target, "request": target},
        "included_minutes": 600, "channels": ["phone", "email"], "services": ["remote", "on_site"],
        "extra_time_allowed": False, "rates": {"overage_rate_cents": 5000}}})
    return {"luca": luca, "client": client, "anna": anna, "bruno": bruno, "site": site, "contract": contract}


def intake(d: Driver, w: dict) -> str:
    step("#10 intake: Ctrl+N, the client, the essentials from the keyboard")
    keys(d, "chord:ctrl+n")
    d.wait("[data-testid=ticket-form]")
    keys(d, "Studio Legale")
    d.wait("#ticket-client-options [role=option]", text="Studio Legale Neri")
    keys(d, "enter")
    d.wait("[data-testid=picked-client]", text="Studio Legale Neri")
    time.sleep(0.2)
    keys(d, "tab", "tab", "tab", "La posta non arriva a nessuno", "tab", "Da stamattina nessuna e-mail in entrata.")

    step("reported 3 hours ago, by a contact who is not authorised (warned, not blocked)")
    reported = datetime.datetime.now(ROME) - datetime.timedelta(hours=3)
    field = d.wait("#ticket-reported_at")
    prefilled = datetime.datetime.strptime(field.attr("value"), "%d/%m/%Y %H:%M").replace(tzinfo=ROME)
    assert abs((datetime.datetime.now(ROME) - prefilled).total_seconds()) < 180, ("prefilled with now", prefilled)
    field.clear().type(reported.strftime("%d/%m/%Y %H:%M"))
    d.wait(f"#ticket-contact_id option[value='{w['bruno']['id']}']")
    select(d, "#ticket-contact_id", w["bruno"]["id"])
    d.wait("[data-testid=ticket-requester-warning]", text="Bruno Sala non è tra i referenti autorizzati")
    select(d, "#ticket-contact_id", w["anna"]["id"])
    d.wait_gone("[data-testid=ticket-requester-warning]")
    select(d, "#ticket-contact_id", w["bruno"]["id"])
    d.wait("[data-testid=ticket-requester-warning]")
    select(d, "#ticket-site_id", w["site"]["id"])
    d.wait("#ticket-category").type("Posta")
    assert d.wait("#ticket-assignee").attr("value") != "", "this device's technician is preselected"
    select(d, "#ticket-assignee", w["luca"]["id"])
    d.wait("#ticket-is_bug").click()
    select(d, "#ticket-service", "remote")
    d.wait("#ticket-priority_requested").click()
    scroll_to(d, "[data-testid=ticket-intake]")
    shot(d, "desk-01-intake")
    d.script("document.getElementById('ticket-category').focus()")
    keys(d, "chord:ctrl+enter")
    number = d.wait("[data-testid=ticket-number]").text
    step(f"ticket {number} opened")

    step("#9 one primary button in the ticket's action region: the on-site intervention")
    primaries = d.find_all("[data-testid=ticket-actions] button.primary")
    ids = [b.attribute("data-testid") for b in primaries]
    assert ids == ["intervention-new-on_site"], ids
    assert not d.find_all("[data-testid=ticket-actions] [data-testid=status-actions] button.primary")
    d.wait("[data-testid=intervention-new-remote]:not(.primary)")
    step("the ticket says who, what, where; the response clock started 3 hours ago")
    d.wait("[data-testid=ticket-contact]", text="Bruno Sala")
    d.wait("[data-testid=ticket-category]", text="Posta")
    d.wait("[data-testid=ticket-assignee]", text="Luca Verdi")
    d.wait("[data-testid=ticket-bug]")
    assert d.wait("[data-testid=sla-state-response]").text.casefold() == "fuori tempo"
    # The response ends when the ticket is opened: 3 hours used of a 2-hour target.
    d.wait("[data-testid=sla-left-response]", text="usati 3 h su 2 h")
    tid = d.script("return location.hash").split("/")[-1]
    t = ok(d, "ticket_detail", {"id": tid})["ticket"]
    assert (t["site_id"], t["is_bug"], t["priority_requested"], t["service"]) == (w["site"]["id"], True, True, "remote"), t
    sla = ok(d, "ticket_sla", {"id": tid})
    response = sla["response"]
    assert 179 <= response["used_minutes"] <= 182, response
    return tid


def edit(d: Driver, w: dict, tid: str) -> None:
    step("#11 editing the ticket: Escape leaves it as it was")
    d.script("window.scrollTo(0, 0)")
    d.wait("[data-testid=ticket-edit-open]").click()
    d.wait("#ticket-edit-title").clear().type("Da buttare")
    keys(d, "esc")
    d.wait_gone("[data-testid=ticket-edit]")
    d.wait("main h1", text="La posta non arriva a nessuno")

    step("title, severity, urgent, requester, category, bug, assignee changed and saved")
    d.wait("[data-testid=ticket-edit-open]").click()
    d.wait("#ticket-edit-title").clear().type("Posta in entrata ferma dal server")
    select(d, "#ticket-edit-severity", "blocking")
    d.wait("#ticket-edit-urgent").click()
    d.wait(f"#ticket-edit-contact_id option[value='{w['anna']['id']}']")
    select(d, "#ticket-edit-contact_id", w["anna"]["id"])
    d.wait("#ticket-edit-category").clear().type("Server")
    d.wait("#ticket-edit-is_bug").click()
    technician = ok(d, "setup_status", {})["technician"]
    select(d, "#ticket-edit-assignee", technician["id"])
    d.script("window.scrollTo(0, 0)")
    shot(d, "desk-02-ticket-edit")
    keys(d, "chord:ctrl+enter")
    d.wait_gone("[data-testid=ticket-edit]")
    d.wait("main h1", text="Posta in entrata ferma dal server")
    d.wait("[data-testid=ticket-contact]", text="Anna Neri")
    d.wait("[data-testid=ticket-category]", text="Server")
    d.wait("[data-testid=ticket-assignee]", text="Mario Rossi")
    assert not d.find_all("[data-testid=ticket-bug]")
    t = ok(d, "ticket_detail", {"id": tid})["ticket"]
    assert (t["severity"], t["urgent"], t["is_bug"], t["contact_id"]) == ("blocking", True, False, w["anna"]["id"]), t

    step("an empty title is refused beside its field, nothing saved")
    d.wait("[data-testid=ticket-edit-open]").click()
    d.wait("#ticket-edit-title").clear().type(" ")
    keys(d, "chord:ctrl+enter")
    err = d.wait("#ticket-edit-title-error")
    assert err.attribute("data-code") == "REQUIRED", err.attribute("data-code")
    keys(d, "esc")
    d.wait_gone("[data-testid=ticket-edit]")
    assert ok(d, "ticket_detail", {"id": tid})["ticket"]["title"] == "Posta in entrata ferma dal server"


def scenario_desk(d: Driver) -> None:
    onboard(d)
    w = seed(d)
    import_and_export(d)
    tid = intake(d, w)
    edit(d, w, tid)
    third_party(d, tid)
    contract_channels(d, w)
    statement_printed(d, w)


def third_party(d: Driver, tid: str) -> None:
    step("issue 17 #5: waiting for a third party asks who, shows it, and ends with the next move")
    d.script("location.hash = arguments[0]", f"#/tickets/{tid}")
    d.wait("[data-testid=ticket-transition-waiting_third_party]").click()
    d.wait("[data-testid=transition-party]")
    d.wait("[data-testid=transition-confirm]").click()
    d.wait("[data-testid=party-error][data-code=REQUIRED]")
    select(d, "[data-testid=party-kind]", "provider")
    d.wait("[data-testid=party-name]").type("Fastweb")
    d.wait("[data-testid=transition-note]").type("Linea giù, guasto aperto con l'operatore")
    d.wait("[data-testid=transition-confirm]").click()
    d.wait("[data-testid=ticket-status-party]", text="Fastweb")
    d.wait("[data-testid=ticket-waiting-party]", text="Fastweb (operatore)")
    d.wait("[data-testid=history-party]", text="Fastweb (operatore)")
    t = ok(d, "ticket_detail", {"id": tid})["ticket"]
    assert (t["status"], t["waiting_party"]) == ("waiting_third_party", {"kind": "provider", "name": "Fastweb"}), t
    d.script("window.scrollTo(0, 0)")
    shot(d, "desk-02b-third-party")
    step("back to work: the party is cleared, the history keeps it")
    d.wait("[data-testid=ticket-transition-in_progress]").click()  # asks nothing: moves at once
    d.wait_gone("[data-testid=ticket-status-party]")
    assert ok(d, "ticket_detail", {"id": tid})["ticket"]["waiting_party"] is None
    d.wait("[data-testid=history-party]", text="Fastweb (operatore)")


def save_contract(d: Driver) -> None:
    scroll_to(d, "[data-testid=contract-save]")
    d.wait("[data-testid=contract-save]").click()


def contract_channels(d: Driver, w: dict) -> None:
    step("#12 the contract's channels and services: kept by an edit, then changed, custom code included")
    cid = w["contract"]["id"]
    d.script("location.hash = arguments[0]", f"#/contracts/{cid}")
    d.wait("[data-testid=contract-entitlements]")
    checked = lambda css: d.wait(css).attr("checked")  # noqa: E731
    assert checked("[data-testid=channel-phone]") and checked("[data-testid=channel-email]")
    assert not checked("[data-testid=channel-chat]")
    assert checked("[data-testid=service-remote]") and checked("[data-testid=service-on_site]")
    step("saved untouched: nothing lost")
    save_contract(d)
    d.wait("[data-testid=client-title]", text="Studio Legale Neri")
    c = ok(d, "get_contract", {"id": cid})
    assert (c["channels"], c["services"]) == (["phone", "email"], ["remote", "on_site"]), c

    step("e-mail off, chat on, a service of the shop's own added")
    d.script("location.hash = arguments[0]", f"#/contracts/{cid}")
    d.wait("[data-testid=contract-entitlements]")
    scroll_to(d, "[data-testid=contract-entitlements]")
    d.wait("[data-testid=channel-email]").click()
    d.wait("[data-testid=channel-chat]").click()
    d.wait("[data-testid=service-new]").type("Backup notturno")
    d.wait("[data-testid=service-add]").click()
    assert checked("[data-testid=service-backup_notturno]")
    shot(d, "desk-03-contract-channels")
    save_contract(d)
    d.wait("[data-testid=client-title]", text="Studio Legale Neri")
    c = ok(d, "get_contract", {"id": cid})
    assert (c["channels"], c["services"]) == (["phone", "chat"], ["remote", "on_site", "backup_notturno"]), c

    step("opened again, the form shows what was saved")
    d.script("location.hash = arguments[0]", f"#/contracts/{cid}")
    d.wait("[data-testid=contract-entitlements]")
    assert checked("[data-testid=channel-chat]") and not checked("[data-testid=channel-email]")
    assert checked("[data-testid=service-backup_notturno]")


def set_month(d: Driver, css: str, value: str) -> None:
    """Sets an <input type=month> (Svelte's bind:value listens to `input`)."""
    d.script(
        "const i = document.querySelector(arguments[0]); i.value = arguments[1];"
        "i.dispatchEvent(new Event('input', {bubbles: true}));",
        css,
        value,
    )


def statement_printed(d: Driver, w: dict) -> None:
    step("#13 + #6 this month's statement from the client page, printed: no CUPS here, and the dialog says so")
    d.script("location.hash = arguments[0]", f"#/clients/{w['client']['id']}")
    d.wait("[data-testid=client-statement]")
    set_month(d, "#statement-month", datetime.date.today().strftime("%Y-%m"))
    scroll_to(d, "[data-testid=client-statement]")
    d.wait("[data-testid=statement-print]").click()
    d.wait("[data-testid=print-dialog]")
    d.wait("[data-testid=print-no-printers]", text="CUPS")
    options = d.script("return [...document.querySelectorAll('#print-printer option')].map((o) => o.value)")
    assert options == [""], options
    d.wait("[data-testid=print-custom-command]")
    d.wait("#print-copies").clear().type("2")
    shot(d, "desk-04-print-dialog")
    d.wait("[data-testid=print-confirm]").click()
    d.wait_gone("[data-testid=print-dialog]")
    d.wait("[data-testid=statement-status]", text="Inviato alla stampante")
    # run.sh gives this scenario a print command that names the copy count: cp {file} …/copie-{copies}.pdf
    printed = Path(os.environ["PRINTED_DIR"]) / "copie-2.pdf"
    deadline = time.monotonic() + 10
    while not printed.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    assert "Studio Legale Neri" in text, text[:400]

    step("the choice is remembered on this device: the dialog opens again with 2 copies")
    listed = ok(d, "list_printers", {})
    assert (listed["cups"], listed["printers"], listed["preferences"]["copies"]) == (False, [], 2), listed
    d.wait("[data-testid=statement-print]").click()
    assert d.wait("#print-copies").attr("value") == "2"
    d.wait("#print-copies").clear().type("0")
    d.wait("[data-testid=print-dialog] .field-error[data-code=OUT_OF_RANGE]")
    assert d.wait("[data-testid=print-confirm]").attr("disabled"), "0 copies cannot be printed"
    keys(d, "esc")
    d.wait_gone("[data-testid=print-dialog]")

    step("the statements screen prints one client's statement too")
    d.script("location.hash = '#/statements'")
    d.wait("[data-testid=statements-one]")
    d.wait("#statements-one-client").click()
    keys(d, "Studio Legale")
    d.wait("#statements-one-client-options [role=option]", text="Studio Legale Neri")
    keys(d, "enter")
    set_month(d, "#statements-one-month", datetime.date.today().strftime("%Y-%m"))
    d.wait("[data-testid=statements-one-print]:not([disabled])").click()
    d.wait("[data-testid=print-dialog]")
    d.wait("[data-testid=print-confirm]").click()
    d.wait("[data-testid=statements-one-status]", text="Inviato alla stampante")
