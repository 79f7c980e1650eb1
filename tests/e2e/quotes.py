"""The e2e scenario `quotes` (issue 17): an out-of-scope request → the warning before the timer
starts → a quote with two lines made in the editor (one picked from the catalogue as you type) →
the customer signs the acceptance on the pad → the work is done → the intervention is charged per
the quote, the client's hour package is untouched, and the month's billable lines show the
quote's two lines (and nothing drawn from the package). Screenshots of every screen changed:
the warning, the quote editor, the signing, the accepted quote, the quotes list, the client page's
quotes, the catalogue in Settings, the materials with their VAT rate."""

from __future__ import annotations

import datetime
import time

from helpers import Driver, draw, invoke, onboard, scroll_to, select, shot, step


def ok(d: Driver, command: str, args: dict):
    value, err = invoke(d, command, args)
    assert err is None, (command, err)
    return value


def field(d: Driver, css: str, value: str) -> None:
    el = d.wait(css)
    d.script("const e = document.querySelector(arguments[0]); e.value = '';"
             "e.dispatchEvent(new Event('input', {bubbles: true}));", css)
    el.type(value)


def scenario_quotes(d: Driver) -> None:
    onboard(d)
    d.cmd("POST", "/window/rect", {"x": 0, "y": 0, "width": 1280, "height": 900})
    time.sleep(0.5)

    step("setup: a client with a 10-hour package, an article in the catalogue, a ticket outside the contract")
    client = ok(d, "create_client", {"input": {"name": "Agenzia Viaggi Sole", "city": "Rimini",
                                               "email": "info@viaggisole.it"}})
    start = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
    package = ok(d, "create_contract", {"input": {
        "client_id": client["id"], "kind": "hour_package", "name": "Pacchetto 10 ore",
        "starts_on": start, "included_minutes": 600, "package_mode": "any"}})
    ok(d, "create_article", {"input": {"code": "STAMP-LAN", "description": "Stampante laser di rete A4",
                                       "unit_price_cents": 24900, "vat_rate": 22}})
    ok(d, "create_article", {"input": {"code": "TONER-A4", "description": "Toner per stampante laser",
                                       "unit_price_cents": 6500}})
    ticket = ok(d, "open_ticket", {"input": {
        "client_id": client["id"], "origin": "phone", "severity": "request", "urgent": False,
        "is_bug": False, "title": "Installare una nuova stampante di rete", "priority_requested": False,
        "out_of_scope": True}})

    step("the timer does not start on the out-of-scope ticket without warning")
    d.script("location.hash = arguments[0]", f"#/tickets/{ticket['id']}")
    d.wait("[data-testid=intervention-new-on_site]").click()
    msg = d.wait("[data-testid=confirm-message]", text="fuori contratto")
    assert ticket["number"] in msg.text, msg.text
    shot(d, "quotes-01-warning")
    d.wait("[data-testid=confirm-cancel]").click()
    d.wait_gone("[data-testid=confirm-dialog]")
    interventions = ok(d, "list_interventions", {"filter": {"ticket_id": ticket["id"]},
                                                 "page": {"limit": 10, "offset": 0}})
    assert interventions["items"] == [], interventions

    step("a quote for the ticket, two lines: labour 1,5 h and the printer picked from the catalogue")
    d.wait("[data-testid=ticket-make-quote]").click()
    d.wait("[data-testid=quote-page]")
    number = d.wait("[data-testid=quote-number]").text
    assert number.startswith("P-"), number
    field(d, "[data-testid=quote-line-description]", "Installazione e configurazione")
    field(d, "[data-testid=quote-line-quantity]", "1,5")
    field(d, "[data-testid=quote-line-price]", "50,00")
    d.wait("[data-testid=quote-line-add]").click()
    d.wait("[data-testid=quote-lines]", text="Installazione e configurazione")
    select(d, "[data-testid=quote-line-kind]", "material")
    d.wait("[data-testid=quote-article]").type("stamp")
    d.wait("[data-testid=quote-article-hit]", text="STAMP-LAN")
    shot(d, "quotes-02-catalogue-search")
    d.wait("[data-testid=quote-article-hit]", text="STAMP-LAN").click()
    d.wait("[data-testid=quote-line-add]").click()
    d.wait("[data-testid=quote-lines]", text="Stampante laser di rete A4")
    # 1,5 × 50,00 = 75,00 + 249,00 = 324,00 taxable at 22%: VAT 71,28, total 395,28.
    d.wait("[data-testid=quote-total]", text="395,28")
    shot(d, "quotes-03-editor")

    step("the customer signs the acceptance on the pad")
    d.wait("[data-testid=quote-accept]").click()
    d.wait("[data-testid=quote-signing]")
    scroll_to(d, "[data-testid=quote-signing]")
    draw(d, "[data-testid=pad-customer]")
    field(d, "[data-testid=quote-signer-name]", "Laura Sole")
    shot(d, "quotes-04-signing")
    d.wait("[data-testid=quote-confirm-accept]").click()
    d.wait("[data-testid=quote-state]", text="Accettato")
    d.wait("[data-testid=quote-accepted]", text="Laura Sole")
    shot(d, "quotes-05-accepted")
    quote = ok(d, "list_quotes", {"filter": {"ticket_id": ticket["id"]}})[0]
    assert quote["state"] == "accepted" and quote["snapshot_sha256"], quote

    step("now the intervention starts at once; the work is charged per the quote")
    d.script("location.hash = arguments[0]", f"#/tickets/{ticket['id']}")
    d.wait("[data-testid=intervention-new-on_site]").click()
    d.wait("[data-testid=big-timer]")
    time.sleep(1.5)
    d.wait("[data-testid=timer-stop]").click()
    d.wait("[data-testid=timer-state]", text="Terminato")
    alloc = d.wait("[data-testid=allocation]", text="preventivo accettato")
    assert number in alloc.text, alloc.text
    scroll_to(d, "[data-testid=allocation]")
    shot(d, "quotes-06-allocation")

    step("materials: picked from the catalogue as you type, with their VAT rate")
    scroll_to(d, "[data-testid=materials]")
    d.wait("[data-testid=material-article]").type("toner")
    d.wait("[data-testid=material-article-hit]", text="TONER-A4").click()
    d.wait("[data-testid=material-add]").click()
    d.wait("[data-testid=material-row]", text="Toner per stampante laser")
    row = d.wait("[data-testid=material-row]").text
    assert "22%" in row and "65,00" in row, row
    scroll_to(d, "[data-testid=materials]")
    shot(d, "quotes-10-materials")

    step("the package is untouched; the client page lists the quote")
    balances = ok(d, "client_balances", {"client_id": client["id"]})
    pkg = next(b for b in balances["balances"] if b["contract_id"] == package["id"])
    assert pkg["used_minutes"] == 0 and pkg["remaining_minutes"] == 600, pkg
    d.script("location.hash = arguments[0]", f"#/clients/{client['id']}")
    d.wait("[data-testid=client-quote-list]", text=number)
    scroll_to(d, "[data-testid=client-quotes]")
    shot(d, "quotes-07-client")
    d.wait("[data-testid=nav-quotes]").click()
    d.wait("[data-testid=quote-list]", text=number)
    shot(d, "quotes-08-list")

    step("the month's billable lines: the quote's two lines, nothing drawn from the package")
    d.script("location.hash = arguments[0]", "#/statements")
    month = datetime.date.today().strftime("%Y-%m")
    d.wait("[data-testid=statements-month]")
    d.script("const e = document.querySelector('[data-testid=statements-month]'); e.value = arguments[0];"
             "e.dispatchEvent(new Event('input', {bubbles: true}));", month)
    d.wait("[data-testid=to-invoice-show]").click()
    box = d.wait("[data-testid=to-invoice-client]", text="Agenzia Viaggi Sole")
    lines = d.script("return [...document.querySelectorAll('[data-testid=to-invoice-line]')]"
                     ".map(r => [r.dataset.kind, r.innerText])")
    kinds = [k for k, _ in lines]
    # Labour 1,5 h x 50,00 = 75,00 and the printer 249,00, both at 22 %: 324,00 + 71,28 = 395,28.
    # The toner used on the job is part of the quoted work, and no hours are billed or drawn.
    assert kinds == ["quote", "quote"], lines
    assert any("75,00" in text for _, text in lines) and any("249,00" in text for _, text in lines), lines
    total = d.wait("[data-testid=to-invoice-client-total]").text
    assert "324,00" in total and "395,28" in total, total
    assert number in box.text, box.text
    scroll_to(d, "[data-testid=to-invoice]")
    shot(d, "quotes-11-to-invoice")
    balances = ok(d, "client_balances", {"client_id": client["id"]})
    pkg = next(b for b in balances["balances"] if b["contract_id"] == package["id"])
    assert pkg["used_minutes"] == 0, pkg

    step("the catalogue in Settings, searched as you type")
    d.script("location.hash = arguments[0]", "#/settings/catalogue")
    d.wait("[data-testid=catalogue-list]", text="TONER-A4")
    d.wait("[data-testid=catalogue-search]").type("toner")
    time.sleep(0.6)
    rows = d.find_all("[data-testid=catalogue-row]")
    assert len(rows) == 1 and "TONER-A4" in rows[0].text, [r.text for r in rows]
    shot(d, "quotes-09-catalogue")
