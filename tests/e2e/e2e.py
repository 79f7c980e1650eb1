#!/usr/bin/env python3
"""End-to-end test of the real Rapportino binary through tauri-driver (WebDriver).

Usage: e2e.py SCENARIO  (SCENARIO: main | bad-db). Started by run.sh, which provides the driver
(TAURI_DRIVER_URL), the binary (RAPPORTINO_BIN), a fresh RAPPORTINO_DB and ARTIFACTS_DIR.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

from webdriver import ENTER, Driver

ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", Path(__file__).parent / "artifacts"))
DRIVER_URL = os.environ.get("TAURI_DRIVER_URL", "http://127.0.0.1:4444")
BINARY = os.environ["RAPPORTINO_BIN"]
CLOCK = re.compile(r"^\d{2}:\d{2}:\d{2}$")
# WebKitWebDriver was seen to drop its connection now and then (not an app failure): exit with
# EX_TEMPFAIL so run.sh retries the scenario once from scratch; a failed check exits with 1.
LOST_DRIVER = 75
DRIVER_LOST_ERRORS = (http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)


def step(msg: str) -> None:
    print(f"  · {msg}", flush=True)


def shot(d: Driver, name: str) -> None:
    path = d.screenshot(ARTIFACTS / f"{name}.png")
    step(f"screenshot {path.name}")


def window_titles() -> list[str]:
    """Titles of the X windows on the display (the app sets its title to show the timer)."""
    try:
        out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return re.findall(r'0x[0-9a-f]+ "([^"]*)"', out)


def start() -> Driver:
    caps = {"alwaysMatch": {"browserName": "wry", "tauri:options": {"application": BINARY}}}
    return Driver(DRIVER_URL, caps)


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

    step("onboarded: tickets screen, empty timer bar")
    d.wait("#global-search", timeout=20)
    d.wait("[data-testid=timer-bar]", text="Nessun timer")
    d.wait("main .empty")
    shot(d, "02-tickets-empty")

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
    assert "INVALID_VAT_NUMBER" in err.text, err.text
    assert "Partita IVA" in err.text, err.text
    shot(d, "03-client-form-error")
    d.wait("#client-vat_number").clear().type("00743110157")
    d.wait("[data-testid=client-form] button[type=submit]").click()
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

    step("remote intervention: start the timer")
    d.wait("main button.primary", text="remoto").click()
    d.wait("[data-testid=timer-start]").click()
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
    code = d.wait("[data-testid=error-code]").text
    assert code == "DATABASE_NOT_OURS", code
    assert "non è un archivio di Rapportino" in box.text, box.text
    shot(d, "10-database-not-ours")


def scenario_demo(d: Driver) -> None:
    step("first start: try it with demo data")
    d.wait("[data-testid=demo-button]", timeout=60).click()
    d.wait("#global-search", timeout=120)
    rows = d.wait("[data-testid=ticket-list]", timeout=30)
    assert rows.text.count("T-") >= 5, rows.text
    shot(d, "11-demo-tickets")
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


SCENARIOS = {"main": scenario_main, "bad-db": scenario_bad_db, "demo": scenario_demo}


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
        scenario(d)
    except DRIVER_LOST_ERRORS as e:
        print(f"e2e scenario {name}: lost the WebDriver connection ({e!r})", flush=True)
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
