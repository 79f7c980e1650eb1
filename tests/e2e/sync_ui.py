"""The e2e scenario of sync in the app, without a hub: the state everywhere (top bar, dashboard,
Settings › Sincronizzazione), an enrolment refused because the hub is unreachable, the indicator
after a failed sync, and the conflicts screen (three conflicts as the hub would have sent them:
written into the database file beside the running app, as a pulled page would). The sync with a
real hub: sync_hub.py (and the workspace's sync tests)."""

from __future__ import annotations

import datetime
import os
import sqlite3

from helpers import Driver, invoke, onboard, shot, step

# Nothing listens on the discard port of loopback: connection refused at once.
NO_HUB = "https://127.0.0.1:9"


def _db() -> sqlite3.Connection:
    conn = sqlite3.connect(os.environ["RAPPORTINO_DB"], timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _iso(minutes_ago: int) -> str:
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=minutes_ago)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _seed_conflicts(client_id: str, ticket_id: str) -> None:
    """Another technician's laptop (LB) lost two edits to this one and a status move to a rule."""
    with _db() as conn:
        (me,) = conn.execute("SELECT id FROM devices WHERE code = 'MR'").fetchone()
        other = "0190c0de-0000-7000-8000-0000000000b1"
        conn.execute(
            "INSERT INTO devices (id, code, name, created_at, updated_at) VALUES (?, 'LB', 'Portatile LB', ?, ?)",
            (other, _iso(90), _iso(90)),
        )
        rows = [
            ("client", client_id, "name", "concurrent_edit", '"Ottica Bassi"', '"Ottica Bassi S.r.l."', 42),
            ("client", client_id, "phone", "concurrent_edit", '"02 1234567"', '"02 7654321"', 40),
            ("ticket", ticket_id, "status", "illegal_transition", '"new"', '"closed"', 12),
        ]
        for i, (entity, eid, field, reason, winner, lost, ago) in enumerate(rows):
            conn.execute(
                "INSERT INTO sync_conflicts (id, entity, entity_id, field, reason, winner_value, winner_device_id,"
                " lost_value, lost_device_id, lost_mutation_id, lost_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (f"0190c0de-0000-7000-8000-00000000000{i}", entity, eid, field, reason, winner, me, lost, other,
                 f"m-{i}", _iso(ago), _iso(ago - 1), _iso(ago - 1)),
            )


def _configure(hub: str) -> None:
    """What a successful enrolment leaves behind (the hub itself is not needed to look at it)."""
    with _db() as conn:
        for key, value in [
            ("sync.hub_url", hub),
            ("sync.token", "e2e-token"),
            ("sync.role", "technician"),
            ("sync.last_sync_at", _iso(7)),
            ("sync.last_attempt_at", _iso(7)),
        ]:
            conn.execute("INSERT OR REPLACE INTO local_state (key, value) VALUES (?, ?)", (key, value))


def scenario_sync(d: Driver) -> None:
    onboard(d)
    step("not configured: said in the top bar and on the dashboard")
    d.wait("[data-testid=sync-indicator][data-tone=off]", text="Non sincronizzato")
    d.wait("[data-testid=dash-sync]", text="Non configurata")

    step("the indicator opens Settings › Sincronizzazione; an unreachable hub is explained")
    d.wait("[data-testid=sync-indicator-main]").click()
    d.wait("[data-testid=sync-enrol-form]")
    d.wait("#sync-hub-url").type(NO_HUB)
    d.wait("#sync-code").type("ABCD-1234")
    d.wait("[data-testid=sync-enrol]").click()
    err = d.wait("[data-testid=sync-settings] [data-testid=error-box]", timeout=30)
    assert err.attribute("data-code") == "HUB_UNREACHABLE", err.attribute("data-code")
    assert "Hub non raggiungibile" in err.text and "HUB_UNREACHABLE" not in err.text, err.text
    d.script("document.querySelector('[data-testid=sync-settings] [data-testid=error-box]').scrollIntoView({block: 'end'})")
    shot(d, "sync-settings-enrol")

    step("three conflicts arrive and the device is enrolled (written as a sync would)")
    client, e = invoke(d, "create_client", {"input": {"name": "Ottica Bassi"}})
    assert e is None, e
    ticket, e = invoke(
        d,
        "open_ticket",
        {"input": {"client_id": client["id"], "origin": "phone", "severity": "degraded", "urgent": False,
                   "is_bug": False, "title": "La stampante del banco non stampa"}},
    )
    assert e is None, e
    _seed_conflicts(client["id"], ticket["id"])
    _configure(NO_HUB)

    step("Sincronizza ora from the top bar: the hub is away, the conflicts wait")
    d.wait("[data-testid=sync-now-bar]", timeout=40).click()
    d.wait("[data-testid=sync-indicator][data-tone=error]", text="Hub non raggiungibile", timeout=30)
    d.wait("[data-testid=sync-indicator-conflicts]", text="3 conflitti")
    d.wait("[data-testid=sync-settings-state]", text="Hub non raggiungibile")
    d.wait("[data-testid=sync-settings-hub]", text=NO_HUB)
    # Said once, in the facts (not again in a box).
    d.wait_gone("[data-testid=sync-settings] [data-testid=error-box]")
    shot(d, "sync-settings")

    step("the conflicts screen from the indicator")
    d.wait("[data-testid=sync-indicator-conflicts]").click()
    d.wait("[data-testid=conflicts][data-loaded=true]")
    d.wait("[data-testid=conflict-row][data-field=status]", text="Chiuso")
    d.wait("[data-testid=conflict-row][data-field=name]", text="Ottica Bassi S.r.l.")
    shot(d, "sync-conflicts")

    step("restore the lost name; keep the current phone")
    d.wait("[data-testid=conflict-row][data-field=name] [data-testid=conflict-restore]").click()
    d.wait("[data-testid=confirm-ok]").click()  # the app's question: restore the lost value?
    d.wait_gone("[data-testid=conflict-row][data-field=name]")
    d.wait("[data-testid=conflict-row][data-field=phone] [data-testid=conflict-keep]").click()
    d.wait_gone("[data-testid=conflict-row][data-field=phone]")
    d.wait("[data-testid=sync-indicator-conflicts]", text="1 conflitto")
    overview, e = invoke(d, "client_overview", {"id": client["id"]})
    assert e is None and overview["client"]["name"] == "Ottica Bassi S.r.l.", (e, overview)

    step("all conflicts, with how each was settled")
    d.wait("[data-testid=conflicts-all]").click()
    d.wait("[data-testid=conflict-resolved]", text="Ripristinato il valore perso")
    d.wait("[data-testid=conflict-resolved]", text="Mantenuto il valore attuale")
    shot(d, "sync-conflicts-all")

    step("the dashboard card")
    d.wait("nav a[data-testid=nav-dashboard]").click()
    d.wait("[data-testid=dash-sync-state]", text="Hub non raggiungibile")
    d.wait("[data-testid=dash-sync-conflicts]", text="1")
    shot(d, "sync-dashboard")
