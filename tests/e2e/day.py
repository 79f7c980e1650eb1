"""The e2e scenarios of the desktop app as a whole: a technician's whole day, and what survives
closing the window (its size and position, a half-typed form)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from helpers import Driver, draw, invoke, onboard, scroll_to, select, shot, start, step, window_titles

RECT = {"x": 60, "y": 40, "width": 1100, "height": 760}


def close_window(d: Driver) -> None:
    """Closes the window as the user does (the app exits normally: plugins save their state)."""
    try:
        d.cmd("DELETE", "/window")
    except Exception as e:  # noqa: BLE001 - the session ends with the window; nothing to check
        step(f"(window closed: {type(e).__name__})")
    d.quit()
    time.sleep(1.5)


def scenario_restart(d: Driver) -> Driver:
    onboard(d)
    step("the user moves and resizes the window, then starts typing a new client")
    d.cmd("POST", "/window/rect", RECT)
    time.sleep(0.5)
    placed = d.cmd("GET", "/window/rect")
    step(f"window at {placed}")
    d.wait("nav a[href='#/clients']").click()
    d.wait("a[href='#/clients/new']").click()
    d.wait("#client-name").type("Cartoleria Esposito")
    d.wait("#client-city").type("Napoli")
    time.sleep(1.0)  # longer than the draft's debounce
    step("closing the window mid-edit")
    close_window(d)

    step("started again: same place and size, the draft is back")
    d = start()
    d.wait("#global-search", timeout=60)
    rect = d.cmd("GET", "/window/rect")
    step(f"window at {rect}")
    for key in ("width", "height"):
        assert abs(rect[key] - placed[key]) <= 2, (key, rect, placed)
    for key in ("x", "y"):
        assert abs(rect[key] - placed[key]) <= 40, (key, rect, placed)
    d.wait("nav a[href='#/clients']").click()
    d.wait("a[href='#/clients/new']").click()
    d.wait("[data-testid=draft-restored]")
    name = d.wait("#client-name").attr("value")
    city = d.wait("#client-city").attr("value")
    assert (name, city) == ("Cartoleria Esposito", "Napoli"), (name, city)
    shot(d, "40-draft-restored")
    step("discarding the draft empties the form")
    d.wait("[data-testid=draft-discard]").click()
    d.wait_gone("[data-testid=draft-restored]")
    assert d.wait("#client-name").attr("value") == ""
    return d


KEY = {"tab": "\ue004", "enter": "\ue007", "down": "\ue015", "ctrl": "\ue009", "shift": "\ue008", "alt": "\ue00a", "esc": "\ue00c"}


def keys(d: Driver, *parts: str) -> None:
    """Types into whatever has the focus, as a keyboard does: text, or a chord like ("ctrl", "n")."""
    actions: list[dict] = []
    for part in parts:
        if part.startswith("chord:"):
            names = part.removeprefix("chord:").split("+")
            codes = [KEY.get(n, n) for n in names]
            actions += [{"type": "keyDown", "value": c} for c in codes]
            actions += [{"type": "keyUp", "value": c} for c in reversed(codes)]
        else:
            for ch in KEY.get(part, part) if part in KEY else part:
                actions += [{"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch}]
    d.cmd("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})
    d.cmd("DELETE", "/actions")


def scenario_day(d: Driver) -> None:
    """A technician's whole day: onboarding, a client with a contract, a ticket opened from the
    keyboard alone, an on-site intervention with its timer, the signed report on disk, the monthly
    statement; every main screen photographed."""
    work = Path(os.environ["PRINTED_DIR"]).parent
    onboard(d)
    d.wait("[data-testid=dashboard][data-loaded=true]")
    shot(d, "50-day-dashboard-morning")

    step("a new client, checked as typed, and an hour package")
    d.wait("nav a[href='#/clients']").click()
    d.wait("a[href='#/clients/new']").click()
    d.wait("#client-name").type("Farmacia San Marco Snc")
    d.wait("#client-vat_number").type("00743110157")
    d.wait("#client-street").type("Piazza San Marco 3")
    d.wait("#client-postcode").type("35100")
    d.wait("#client-city").type("Padova")
    d.wait("#client-province").type("pd")
    d.wait("[data-testid=client-form] button[type=submit]").click()
    d.wait("[data-testid=client-title]", text="Farmacia San Marco")
    d.wait("[data-testid=new-contract]").click()
    d.wait("[data-testid=kind-hour_package]").click()
    d.wait("#contract-name").clear().type("Pacchetto 10 ore 2026")
    select(d, "#contract-included_minutes", "other")
    d.wait("#contract-package_other").type("10")
    d.wait("[data-testid=contract-save]").click()
    d.wait("[data-testid=balances]", text="Pacchetto 10 ore 2026")
    d.script("window.scrollTo(0, 0)")
    shot(d, "51-day-client")

    step("a ticket from the keyboard alone (Ctrl+N … Ctrl+Enter), timed")
    started = time.monotonic()
    keys(d, "chord:ctrl+n")
    d.wait("[data-testid=ticket-form]")
    keys(d, "Farmacia San")
    d.wait("#ticket-client-options [role=option]", text="Farmacia San Marco")
    keys(d, "enter")
    d.wait("[data-testid=picked-client]", text="Farmacia San Marco")
    time.sleep(0.2)
    assert d.script("return document.activeElement.id") == "ticket-origin"
    keys(d, "e", "tab", "b", "tab", " ", "tab")
    keys(d, "Il registratore di cassa non stampa", "tab")
    keys(d, "Dalle 9 lo scontrino esce bianco; cliente in attesa al banco.")
    shot(d, "52-day-ticket-keyboard")
    keys(d, "chord:ctrl+enter")
    number = d.wait("[data-testid=ticket-number]").text
    seconds = time.monotonic() - started
    step(f"ticket {number} opened from the keyboard in {seconds:.1f} s")
    assert seconds < 30, seconds
    page = d.wait("main").text
    assert "E-mail" in page and "Il registratore di cassa non stampa" in page, page[:800]
    shot(d, "53-day-ticket")

    step("on site: the timer, paused from the keyboard, resumed, stopped")
    d.wait("[data-testid=intervention-new-on_site]").click()
    d.wait("[data-testid=timer-bar-clock]")
    time.sleep(2.2)
    titles = [t for t in window_titles() if "Rapportino" in t]
    assert any(t.startswith("⏱ ") and number in t for t in titles), titles
    keys(d, "chord:ctrl+shift+ ")
    d.wait("[data-testid=timer-resume]")
    d.wait("[data-testid=timer-bar]", text="Nessun timer")
    d.wait("[data-testid=timer-resume]").click()
    d.wait("[data-testid=timer-stop]")
    d.wait("#intervention-work_done").type("Sostituita la testina termica della stampante fiscale; prove di stampa regolari.")
    d.wait("#intervention-travel_km").clear().type("12,5")
    d.wait("#intervention-travel_minutes").clear().type("25")
    shot(d, "54-day-intervention-running")
    d.wait("[data-testid=timer-stop]").click()
    d.wait("[data-testid=timer-state]", text="Terminato")
    d.wait("main form button[type=submit]").click()
    d.wait("main [role=status]", text="Salvato")
    scroll_to(d, "[data-testid=materials]")
    d.wait("#material-description").type("Testina termica")
    d.wait("#material-quantity").clear().type("1")
    d.wait("#material-price").type("48,50")
    d.wait("[data-testid=material-add]").click()
    d.wait("[data-testid=material-row]", text="48,50")
    shot(d, "55-day-intervention-done")

    step("the report, signed by the customer and the technician, saved as PDF")
    d.script("window.scrollTo(0, 0)")
    d.wait("[data-testid=intervention-report]").click()
    d.wait("[data-testid=report-preview]")
    scroll_to(d, "[data-testid=sign-form]")
    draw(d, "[data-testid=pad-customer]")
    d.wait("#customer_signer_name").clear().type("Dott.ssa Lucia Ferri")
    draw(d, "[data-testid=pad-technician]", wiggle=1.6)
    d.wait("[data-testid=report-sign]").click()
    d.wait("[data-testid=report-status]", text="Firmato", timeout=20)
    d.script("window.scrollTo(0, 0)")
    shot(d, "56-day-report-signed")
    report_id = d.script("return location.hash.split('/').pop()")
    pdf = work / "rapporti" / "rapporto.pdf"  # a path from the web view must be in the app's folders
    pdf.parent.mkdir(exist_ok=True)
    saved, err = invoke(d, "save_report_as", {"id": report_id, "path": str(pdf)})
    assert err is None, err
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    for needle in ["Farmacia San Marco", "Dott.ssa Lucia Ferri", "Testina termica", number]:
        assert needle in text, (needle, text[:1500])

    step("back on the dashboard: today's work; the balance used")
    keys(d, "chord:alt+1")
    d.wait("[data-testid=dash-today]", text=number)
    shot(d, "57-day-dashboard-evening")

    step("the month's statements, with progress, and the client's PDF")
    keys(d, "chord:alt+5")
    d.wait("[data-testid=statements-generate]").click()
    summary = d.wait("[data-testid=statements-summary]", timeout=120)
    assert "1 rendicont" in summary.text, summary.text
    shot(d, "58-day-statements")
    out = work / "rendiconti"
    done, err = invoke(d, "statements_batch", {"year": int(time.strftime("%Y")), "month": int(time.strftime("%m")), "dir": str(out)})
    assert err is None, err
    pdfs = list(out.glob("*.pdf"))
    assert len(pdfs) == 1, pdfs
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
    assert "Farmacia San Marco" in text and "Pacchetto 10 ore 2026" in text, text[:1500]

    step("settings: backups (one made now), the shortcuts")
    keys(d, "chord:alt+6")
    d.wait("[data-testid=settings-tab-backups]").click()
    d.wait("[data-testid=backups-last]", text="Ultimo backup automatico")
    made, err = invoke(d, "backup_now", {"path": str(work / "backups" / "copia.db")})
    assert err is None and made["bytes"] > 0, (made, err)
    shot(d, "59-day-backups")
    d.script("document.activeElement.blur()")
    keys(d, "?")
    d.wait("[data-testid=shortcuts-help]", text="Ctrl+N")
    shot(d, "60-day-shortcuts")
    keys(d, "esc")
    d.wait_gone("[data-testid=shortcuts-help]")
