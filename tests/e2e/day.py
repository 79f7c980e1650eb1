"""The e2e scenarios of the desktop app as a whole: a technician's whole day, and what survives
closing the window (its size and position, a half-typed form)."""

from __future__ import annotations

import time

from helpers import Driver, onboard, shot, start, step

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
