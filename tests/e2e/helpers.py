"""What every e2e scenario uses: the driver session, steps and screenshots, form helpers, drawing
a signature, calling a command through the UI's bridge."""

from __future__ import annotations

import http.client
import math
import os
import re
import subprocess
import time
import urllib.error
from pathlib import Path

from webdriver import ELEMENT_KEY, ENTER, Driver

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


def select(d: Driver, css: str, value: str) -> None:
    """Sets a <select> the way a user does (Svelte's bind:value listens to `change`)."""
    d.wait(css)
    d.script(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1];"
        "s.dispatchEvent(new Event('change', {bubbles: true}));",
        css,
        value,
    )


def scroll_to(d: Driver, css: str) -> None:
    # The sticky header (bar + timer bar) is about 120 px tall.
    d.script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'}); window.scrollBy(0, -130);", css)
    time.sleep(0.3)


def onboard(d: Driver) -> None:
    d.wait("[data-testid=onboarding]", timeout=60)
    d.wait("#shop_name").type("Assistenza Informatica Rossi")
    d.wait("#technician_name").type("Mario Rossi")
    d.wait("#technician_code").type("MR")
    d.wait("form button[type=submit]").click()
    d.wait("#global-search", timeout=20)
    d.wait("[data-testid=timer-bar]", text="Nessun timer")
    d.wait("main .empty")


def draw(d: Driver, css: str, wiggle: float = 1.0) -> None:
    """Signs in a pad the way a hand does: press, a looping stroke, release (W3C pointer actions)."""
    el = d.wait(css)
    w = d.script("return document.querySelector(arguments[0]).getBoundingClientRect().width", css)
    moves = []
    for i in range(40):
        x = -w * 0.35 + i * (w * 0.7 / 40)
        y = 30 * math.sin(i / 2.5 * wiggle)
        moves.append({"type": "pointerMove", "duration": 10, "origin": {ELEMENT_KEY: el.id}, "x": int(x), "y": int(y)})
    actions = [moves[0], {"type": "pointerDown", "button": 0}, *moves[1:], {"type": "pointerUp", "button": 0}]
    d.cmd("POST", "/actions", {"actions": [{"type": "pointer", "id": "hand", "parameters": {"pointerType": "mouse"}, "actions": actions}]})
    d.cmd("DELETE", "/actions")
    d.wait(f"{css}[data-inked=true]", timeout=5)


def invoke(d: Driver, command: str, args: dict) -> tuple[object, dict | None]:
    """Calls an app command through the bridge the UI uses (for what would open a native dialog):
    (value, None) on success, (None, {code, message, field}) on a core error."""
    r = d.script(
        "return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])"
        ".then((v) => ({ok: v === undefined ? null : v}), (e) => ({err: e}));",
        command,
        args,
    )
    return r.get("ok"), r.get("err")
