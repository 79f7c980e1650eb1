"""The e2e scenario of a new computer joining the shop from its hub (run.sh starts the hub as for
sync-hub). The office — the CLI on its own database — holds the shop: Mario Rossi (MR) and Luca
Bianchi (LB), a client. The app, at first start, takes "Collega a un hub esistente": the hub's
address, a code, the certificate and a technician code the shop does not have (LU); the shop's
technicians are offered, Luca is picked, the dashboard shows, synced, with the shop's client.

Then Impostazioni › Backup: the office's backup (another device's) is refused, the app asks to
restore it as a new device, and after the confirmation the computer is back at its first start."""

from __future__ import annotations

import os
import time
from pathlib import Path

from helpers import ENTER, Driver, invoke, scroll_to, shot, step
from sync_hub import HUB_CERT, HUB_STORAGE, HUB_URL, OtherDevice, _run, _synced, enrol_code, HUB_BIN


def scenario_join_hub(d: Driver) -> None:
    assert HUB_URL and HUB_STORAGE and HUB_CERT, "run.sh starts the hub for this scenario"
    pem = Path(HUB_CERT).read_text()

    step("the office: the shop with two technicians and a client, on the hub")
    office = OtherDevice(Path(os.environ["RAPPORTINO_DB"]).parent / "ufficio.db")
    office("onboard", "--shop", "Assistenza Informatica Rossi", "--name", "Mario Rossi", "--code", "MR")
    office("technician", "add", "--code", "LB", "--name", "Luca Bianchi")
    office("sync", "enrol", "--hub", HUB_URL, "--code", enrol_code(), "--name", "Ufficio", "--ca", HUB_CERT)
    office("client", "add", "--name", "Ottica Bassi", "--city", "Roma")
    office("sync", "now")

    step("first start: Collega a un hub esistente, with a technician code the shop does not have")
    d.wait("[data-testid=onboarding]", timeout=60)
    d.wait("[data-testid=join-button]").click()
    d.wait("[data-testid=join-form]")
    d.wait("#join-hub-url").type(HUB_URL)
    d.wait("#join-code").type(enrol_code())
    lines = pem.strip().split("\n")
    d.wait("#join-ca-pem").type(ENTER.join(lines))  # a typed "\n" is dropped: Enter, as a user does
    d.wait("#join-ca-pem-hint", text=f"Certificato caricato ({len(lines)} righe)")
    d.wait("#join-technician-code").type("lu")
    d.wait("#join-device-name").type("Portatile di Luca")
    d.script("window.scrollTo(0, 0)")
    shot(d, "join-01-form")
    d.wait("[data-testid=join-submit]").click()

    step("linked as device LU with the shop's data: pick who uses this computer")
    d.wait("[data-testid=join-pick-form]", timeout=60)
    d.wait("[data-testid=join-pick-intro]", text="non c’è un tecnico attivo con la sigla LU")
    d.wait("[data-testid=join-pick-intro]", text="Assistenza Informatica Rossi")
    d.wait("[data-testid=join-pick-MR]")
    d.wait("[data-testid=join-pick-LB]").click()
    d.wait("[data-testid=join-pick-submit]:not([disabled])", text="Luca Bianchi")
    time.sleep(0.5)  # the display catches up with the page before the screenshot
    shot(d, "join-02-pick")
    d.wait("[data-testid=join-pick-submit]").click()

    step("the dashboard: Luca's computer, device LU, synced, the shop's client there")
    d.wait("#global-search", timeout=30)
    setup, err = invoke(d, "setup_status", {})
    assert err is None and setup["onboarded"], (setup, err)
    assert setup["device_code"] == "LU" and setup["technician"]["code"] == "LB", setup
    assert setup["shop"]["name"] == "Assistenza Informatica Rossi", setup
    clients, err = invoke(d, "list_clients", {"filter": {}, "page": {}})
    assert err is None and [c["name"] for c in clients["items"]] == ["Ottica Bassi"], (clients, err)
    d.wait("[data-testid=sync-now-bar]:not([disabled])", timeout=30).click()
    _synced(d)
    shot(d, "join-03-dashboard")
    devices = _run([HUB_BIN, "devices", "--storage", HUB_STORAGE, "--json"])
    assert sorted(x["device_code"] for x in devices) == ["LU", "MR"], devices

    step("Impostazioni › Backup: the office's backup is another device's: restored as a new device")
    listed, err = invoke(d, "list_backups", {})
    assert err is None, err
    foreign = Path(listed["folder"]) / "rapportino-2020-01-15.db"
    office("backup", str(foreign))
    before = setup["device_id"]
    d.wait("[data-testid=nav-settings]").click()
    d.wait("[data-testid=settings-tab-backups]").click()
    d.wait("[data-testid=backup-row]:last-child", text="15/01/2020")  # newest first
    scroll_to(d, "[data-testid=backup-list]")
    restore = "[data-testid=backup-row]:last-child button"
    d.wait(restore).click()
    d.wait("[data-testid=confirm-dialog]", text="Ripristinare il backup")
    d.wait("[data-testid=confirm-ok]").click()
    d.wait("[data-testid=confirm-dialog]", text="backup di un altro computer", timeout=30)
    d.wait("[data-testid=confirm-ok]", text="Ripristina come nuovo dispositivo")
    step("declined: nothing changes, the refusal is shown")
    d.wait("[data-testid=confirm-cancel]").click()
    d.wait("[data-testid=backups] [data-testid=error-box][data-code=FOREIGN_BACKUP]")
    same, err = invoke(d, "setup_status", {})
    assert err is None and same["onboarded"] and same["device_id"] == before, (same, err)
    step("asked again and confirmed: restored as a new device")
    d.wait(restore).click()
    d.wait("[data-testid=confirm-ok]").click()
    d.wait("[data-testid=confirm-dialog]", text="nuovo dispositivo", timeout=30)
    shot(d, "join-04-foreign-backup")
    d.wait("[data-testid=confirm-ok]").click()

    step("a new identity: back at the first start, not linked to the hub")
    d.wait("[data-testid=onboarding]", timeout=30)
    setup, err = invoke(d, "setup_status", {})
    assert err is None and not setup["onboarded"] and setup["device_id"] != before, (setup, err)
    status, err = invoke(d, "sync_status", {})
    assert err is None and not status["configured"], (status, err)
    shot(d, "join-05-new-device")
