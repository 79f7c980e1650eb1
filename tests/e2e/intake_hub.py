"""The e2e scenario `intake-hub` (issue 16): e-mail to ticket through the office hub. run.sh starts
rapportino-hub with `--intake-config` naming the suite's Dovecot mailbox (HUB_INTAKE=1). The app,
linked to the hub, has a client whose authorised contact is anna@ferri.it and syncs it up; a mail
from her with URGENTE in the subject is put in the mailbox (IMAP APPEND, arrived 20 minutes ago);
the hub's collector turns it into a ticket numbered with the hub's own code (T-YYYY-HUB-NNNN);
after a sync the real app shows it, urgent, reported at the mail's arrival, channel e-mail."""

from __future__ import annotations

import datetime
import time

from helpers import Driver, invoke, onboard, shot, step
from intake import append, rome
from sync_hub import HUB_CERT, HUB_URL, enrol_code


def _ok(d: Driver, command: str, args: dict):
    value, err = invoke(d, command, args)
    assert err is None, (command, err)
    return value


def _sync(d: Driver) -> None:
    """A sync round; the app's own background round may hold the guard for a moment."""
    for _ in range(20):
        _, err = invoke(d, "sync_now", {})
        if err is None:
            return
        time.sleep(0.5)
    raise AssertionError(f"sync_now kept failing: {err}")


def scenario_intake_hub(d: Driver) -> None:
    assert HUB_URL and HUB_CERT, "run.sh starts the hub for this scenario"
    onboard(d)
    step("setup (not counted): the app linked to the hub; a client whose authorised contact is anna@ferri.it, synced")
    client = _ok(d, "create_client", {"input": {"name": "Ottica Ferri Hub"}})
    _ok(d, "create_contact", {"client_id": client["id"], "input": {
        "name": "Anna Ferri", "email": "anna@ferri.it", "authorised": True}})
    with open(HUB_CERT, encoding="ascii") as f:
        pem = f.read()
    _ok(d, "sync_enrol", {"hub_url": HUB_URL, "code": enrol_code(), "device_name": "Portatile di Mario",
                          "ca_pem": pem})
    _sync(d)

    step("a mail arrives in the shop's mailbox (arrived 20 minutes ago): URGENTE from the contact")
    arrived = (datetime.datetime.now(datetime.timezone.utc)
               - datetime.timedelta(minutes=20)).replace(second=0, microsecond=0)
    subject = f"URGENTE: la rete del negozio è giù {int(time.time())}"
    mail = (b"From: Anna Ferri <anna@ferri.it>\r\nTo: assistenza@negozio.it\r\n"
            + f"Subject: {subject}\r\n".encode("utf-8")
            + f"Message-ID: <e2e-hub-{int(time.time())}@ferri.it>\r\n".encode("ascii")
            + b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            + b"Content-Transfer-Encoding: 8bit\r\n\r\nNessun computer va in rete.\r\n")
    append([mail], arrived)

    step("the hub takes it; after a sync the app has the ticket, numbered by the hub")
    deadline = time.time() + 90
    found = None
    while time.time() < deadline:
        _sync(d)
        tickets = _ok(d, "list_tickets", {"filter": {"client_id": client["id"]}, "page": {"limit": 50, "offset": 0}})
        items = tickets["items"] if isinstance(tickets, dict) else tickets
        found = next((t for t in items if "la rete del negozio" in t.get("title", "")), None)
        if found:
            break
        time.sleep(2)
    assert found, "the hub's ticket did not reach the app"
    assert "-HUB-" in found["number"], found

    d.script("location.hash = arguments[0]", f"#/tickets/{found['id']}")
    d.wait("[data-testid=ticket-number]", text="-HUB-")
    d.wait(".badge.urgent")
    reported = d.wait("[data-testid=ticket-reported]").text
    assert reported == rome(arrived), (reported, rome(arrived))
    d.wait("[data-testid=ticket-facts]", text="E-mail")
    shot(d, "intake-hub-ticket")
