"""The e2e scenario of sync with a real hub: run.sh starts rapportino-hub over TLS with a
self-signed certificate (HUB_URL, HUB_STORAGE, HUB_CERT) and stops it afterwards. The app is
linked through Impostazioni › Sincronizzazione; a second device, the CLI on its own database,
creates a client and edits a field the app edited too; the app receives both, the Conflitti
screen shows the lost value, restoring it reaches the other device.

The app also syncs by itself (soon after a change, every minute): each check waits for a state
that either order of rounds reaches, never for one particular round."""

from __future__ import annotations

import json
import math
import os
import subprocess
import time
from pathlib import Path

from helpers import ARTIFACTS, ENTER, Driver, invoke, onboard, scroll_to, shot, step

HUB_URL = os.environ.get("HUB_URL", "")
HUB_STORAGE = os.environ.get("HUB_STORAGE", "")
HUB_CERT = os.environ.get("HUB_CERT", "")
HUB_BIN = os.environ.get("HUB_BIN", "rapportino-hub")
CLI_BIN = os.environ.get("CLI_BIN", "rapportino-cli")

ESCAPE = "\ue00c"
APP_PHONE = "02 1111111"
OTHER_PHONE = "02 2222222"


def _run(args: list[str]) -> object:
    env = {k: v for k, v in os.environ.items() if k != "RAPPORTINO_DB"}  # the app's file, not theirs
    out = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, f"{args}: {out.stderr or out.stdout}"
    return json.loads(out.stdout) if out.stdout.strip() else None


def enrol_code() -> str:
    made = _run([HUB_BIN, "enrol-code", "--storage", HUB_STORAGE, "--role", "technician", "--json"])
    return made["code"]


class OtherDevice:
    """Another technician's laptop: rapportino-cli on its own database."""

    def __init__(self, db: Path):
        self.db = db

    def __call__(self, *args: str) -> object:
        return _run([CLI_BIN, "--db", str(self.db), "--json", *args])


def _synced(d: Driver, timeout: float = 30) -> None:
    """Synced with nothing waiting (conflicts may be open): whichever round, the button's or the
    background one, got there."""
    d.wait(
        "[data-testid=sync-indicator][data-tone=ok], [data-testid=sync-indicator][data-tone=warn]",
        text="Sincronizzato",
        timeout=timeout,
    )
    d.wait_gone("[data-testid=sync-indicator-pending]", timeout=timeout)


def _sync_now(d: Driver) -> None:
    """Presses "Sincronizza ora" in the top bar (once no round is running); waits for its end."""
    d.wait("[data-testid=sync-now-bar]:not([disabled])", timeout=30).click()
    d.wait("[data-testid=sync-now-bar]:not([disabled])", timeout=30)


def scenario_sync_hub(d: Driver) -> None:
    assert HUB_URL and HUB_STORAGE and HUB_CERT, "run.sh starts the hub for this scenario"
    pem = Path(HUB_CERT).read_text()
    onboard(d)

    step("Impostazioni › Sincronizzazione: the hub's address, a code, this computer's name, the certificate")
    d.wait("[data-testid=sync-indicator-main]").click()
    d.wait("[data-testid=sync-enrol-form]")
    d.wait("#sync-hub-url").type(HUB_URL)
    d.wait("#sync-code").type(enrol_code())
    d.wait("#sync-device-name").clear().type("Portatile di Mario")
    lines = pem.strip().split("\n")
    d.wait("#sync-ca-pem").type(ENTER.join(lines))  # a typed "\n" is dropped: Enter, as a user does
    d.wait("#sync-ca-pem-hint", text=f"Certificato caricato ({len(lines)} righe)")
    scroll_to(d, "[data-testid=sync-enrol-form]")
    shot(d, "sync-hub-enrol")
    d.wait("[data-testid=sync-enrol]").click()
    d.wait("[data-testid=sync-settings-notice]", text="Collegato all’hub", timeout=30)
    d.wait("[data-testid=sync-settings-hub]", text=HUB_URL)
    d.wait("[data-testid=sync-settings-facts]", text="Tecnico")
    d.wait_gone("[data-testid=sync-settings] [data-testid=error-box]")

    step("a client with a phone number; Sincronizza ora: synced, 0 changes waiting")
    client, e = invoke(d, "create_client", {"input": {"name": "Ottica Bassi", "city": "Roma", "phone": "02 1234567"}})
    assert e is None, e
    d.wait("[data-testid=sync-settings-now]:not([disabled])", timeout=30).click()
    d.wait("[data-testid=sync-settings-now]:not([disabled])", timeout=30)
    _synced(d)
    d.wait("[data-testid=sync-settings-pending]", text="0")
    d.wait("[data-testid=sync-settings-state]", text="Sincronizzato")
    shot(d, "sync-hub-settings")

    step("the other device: onboarded offline as LB, linked with its own code, pulls the office's data")
    other = OtherDevice(Path(os.environ["RAPPORTINO_DB"]).parent / "lb.db")
    other("onboard", "--shop", "Assistenza Informatica Rossi", "--name", "Luca Bianchi", "--code", "LB")
    status = other("sync", "enrol", "--hub", HUB_URL, "--code", enrol_code(), "--name", "Portatile LB", "--ca", HUB_CERT)
    assert status["configured"] is True, status
    other("sync", "now")
    shown = other("client", "show", client["id"])
    assert shown["client"]["phone"] == "02 1234567", shown

    step("both change the phone: the app first (its UI), the other device a moment later")
    d.wait("nav a[href='#/clients']").click()
    d.wait("[data-testid=client-search]").type("Ottica")
    d.wait("[data-testid=client-row] a", text="Ottica Bassi").click()
    d.wait("[data-testid=client-edit]").click()
    d.wait("#client-phone").clear().type(APP_PHONE)
    d.wait("[data-testid=client-save]:not([disabled])").click()
    d.wait("[data-testid=client-title]", text="Ottica Bassi")
    d.wait("main .facts", text=APP_PHONE)
    # The other device's edit must be later by the clocks: they count whole seconds (the counter
    # orders edits within one second, not the wall time), so it waits for the next second.
    time.sleep(math.floor(time.time()) + 1.05 - time.time())
    other("client", "edit", client["id"], "--phone", OTHER_PHONE)
    made = other("client", "add", "--name", "Farmacia Centrale S.r.l.", "--city", "Milano", "--province", "MI")
    other("sync", "now")

    step("the app syncs: the other device's phone shows on the open page, the app's is kept as a conflict")
    _sync_now(d)
    d.wait("[data-testid=sync-indicator-conflicts]", timeout=30)
    _synced(d)
    conflicts, e = invoke(d, "sync_conflicts", {"include_resolved": True})
    assert e is None and len(conflicts) == 1, json.dumps([e, conflicts], indent=1)
    d.wait("[data-testid=sync-indicator-conflicts]", text="1 conflitto")
    d.wait("main .facts", text=OTHER_PHONE)

    step("the client created on the other device is in the list and the search")
    d.wait("nav a[href='#/clients']").click()
    d.wait("[data-testid=client-search]").type("farmacia")
    d.wait("[data-testid=client-row]", text="Farmacia Centrale")
    d.wait("#global-search").type("centrale")
    d.wait("#global-search-results [role=option]", text="Farmacia Centrale")
    d.wait("#global-search").type(ESCAPE)
    d.wait_gone("#global-search-results [role=option]")
    shown, e = invoke(d, "client_overview", {"id": made["id"]})
    assert e is None and shown["client"]["city"] == "Milano", (e, shown)

    step("Conflitti: the app's value beside the other device's, who lost and who won")
    d.wait("[data-testid=sync-indicator-conflicts]").click()
    d.wait("[data-testid=conflicts][data-loaded=true]")
    row = "[data-testid=conflict-row][data-entity=client][data-field=phone]"
    d.wait(f"{row} [data-testid=conflict-current]", text=OTHER_PHONE)
    d.wait(f"{row} [data-testid=conflict-lost]", text=APP_PHONE)
    d.wait(row, text="perso da MR, vinto da LB")
    assert len(d.find_all("[data-testid=conflict-row]")) == 1
    shot(d, "sync-hub-conflict")

    step("Ripristina il valore perso: it leaves the open list and syncs to the other device")
    d.wait(f"{row} [data-testid=conflict-restore]").click()
    d.wait("[data-testid=confirm-ok]").click()  # the app's question: restore the lost value?
    d.wait("[data-testid=conflicts-empty]")
    d.wait_gone("[data-testid=sync-indicator-conflicts]")
    _sync_now(d)
    _synced(d)
    other("sync", "now")
    shown = other("client", "show", client["id"])
    assert shown["client"]["phone"] == APP_PHONE, shown
    assert other("sync", "status")["open_conflicts"] == 0
    d.wait("[data-testid=conflicts-all]").click()
    d.wait("[data-testid=conflict-resolved]", text="Ripristinato il valore perso")
    shot(d, "sync-hub-resolved")

    step("the hub lists both devices")
    devices = _run([HUB_BIN, "devices", "--storage", HUB_STORAGE, "--json"])
    (ARTIFACTS / "sync-hub-devices.json").write_text(json.dumps(devices, indent=2))
    names = sorted(dev["name"] for dev in devices)
    assert names == ["Portatile LB", "Portatile di Mario"], devices
