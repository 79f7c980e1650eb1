#!/usr/bin/env python3
"""The app benchmark, through tauri-driver (WebDriver) on the real binaries, side by side in one run.

Each round starts, in turn: a bare Tauri 2 window built the same way (bench/bare-window), Rapportino
on an empty (onboarded) database and Rapportino on the 1M-intervention demo database. For each start:
  - cold start: from the WebDriver "new session" request (which launches the process) to the first
    interactive screen (the bare page / the dashboard with its data loaded), polled every 20 ms;
  - idle memory: after 5 s idle, RSS (and PSS, which counts shared pages once) of the app process
    and its web-view processes (WebKitWebProcess, WebKitNetworkProcess), read from /proc;
  - for Rapportino, the main flows, each interaction timed in the page from the click to the frame
    that shows its result (MutationObserver + requestAnimationFrame): open a ticket, start the
    intervention, start/stop the timer, open the report, sign it, save it; and browsing: the
    dashboard, the client list, a search.
Started by scripts/bench-app.sh (via tests/e2e/run.sh, which provides Xvfb and the driver).
Environment: TAURI_DRIVER_URL, RAPPORTINO_BIN, BARE_BIN, BENCH_EMPTY_DB, BENCH_1M_DB, BENCH_CLIENT
(a client of the empty database), BENCH_ROUNDS, BENCH_OUT (JSON results).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

from webdriver import ELEMENT_KEY, Driver

DRIVER_URL = os.environ.get("TAURI_DRIVER_URL", "http://127.0.0.1:4444")
APP = os.environ["RAPPORTINO_BIN"]
BARE = os.environ["BARE_BIN"]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
OUT = Path(os.environ.get("BENCH_OUT", "bench-app.json"))
WORK = OUT.parent

DASHBOARD_READY = "[data-testid=dashboard][data-loaded=true]"
BARE_READY = "[data-testid=bare-ready]"

# In the page: click `clickCss` (or run `action`), then wait for an element matching `waitCss`
# (containing `waitText`); answers the milliseconds to the frame after the DOM showed it.
TIMED = r"""
const [clickCss, waitCss, waitText, done] = arguments;
const found = () => [...document.querySelectorAll(waitCss)].some((e) => !waitText || e.textContent.includes(waitText));
const t0 = performance.now();
let finished = false;
const finish = (ms) => { if (!finished) { finished = true; observer.disconnect(); done(ms); } };
const check = () => { if (found()) requestAnimationFrame(() => finish(performance.now() - t0)); };
const observer = new MutationObserver(check);
observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
setTimeout(() => finish(-1), 15000);
const target = document.querySelector(clickCss);
if (!target) finish(-2); else { target.click(); check(); }
"""

TIMED_INVOKE = r"""
const [command, args, done] = arguments;
const t0 = performance.now();
window.__TAURI_INTERNALS__.invoke(command, args).then(
  () => done(performance.now() - t0), (e) => done({ error: e }));
"""


def step(msg: str) -> None:
    print(f"  · {msg}", flush=True)


def session(binary: str, args: list[str]) -> Driver:
    caps = {"alwaysMatch": {"browserName": "wry", "tauri:options": {"application": binary, "args": args}}}
    return Driver(DRIVER_URL, caps, timeout=300)


def wait_fast(d: Driver, css: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not d.find_all(css):
        if time.monotonic() > deadline:
            raise AssertionError(f"{css} never appeared")
        time.sleep(0.02)


def processes_of(binary: str) -> list[int]:
    """The running `binary` and every process below it (its web-view processes)."""
    real = os.path.realpath(binary)
    parents: dict[int, int] = {}
    roots = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            if os.path.realpath(entry / "exe") == real:
                roots.append(int(entry.name))
        except OSError:
            continue
    found = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found:
                found.add(pid)
                grew = True
    return sorted(found)


def memory_kib(pids: list[int]) -> tuple[int, int]:
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


def timed(d: Driver, click: str, wait: str, text: str = "") -> float:
    ms = d.script_async(TIMED, click, wait, text)
    if not isinstance(ms, (int, float)) or ms < 0:
        raise AssertionError(f"{click} → {wait} {text!r}: no result ({ms})")
    return float(ms)


def draw(d: Driver, css: str) -> None:
    el = d.find_all(css)[0]
    moves = [
        {"type": "pointerMove", "duration": 5, "origin": {ELEMENT_KEY: el.id}, "x": int(-120 + i * 6), "y": int(25 * math.sin(i / 2.5))}
        for i in range(40)
    ]
    actions = [moves[0], {"type": "pointerDown", "button": 0}, *moves[1:], {"type": "pointerUp", "button": 0}]
    d.cmd("POST", "/actions", {"actions": [{"type": "pointer", "id": "hand", "parameters": {"pointerType": "mouse"}, "actions": actions}]})
    d.cmd("DELETE", "/actions")


def go(d: Driver, hash_: str, ready: str) -> float:
    """Navigates by setting the hash (as a link does) and times until `ready` shows."""
    d.script("window.__benchLink = document.createElement('a'); window.__benchLink.id = 'bench-link';"
             "window.__benchLink.href = arguments[0]; document.body.appendChild(window.__benchLink);", hash_)
    try:
        return timed(d, "#bench-link", ready)
    finally:
        d.script("document.getElementById('bench-link')?.remove()")


def first_client(d: Driver) -> str:
    go(d, "#/clients", "[data-testid=client-list] a")
    found = d.script(
        "return [...document.querySelectorAll('[data-testid=client-list] a')].map(a => a.getAttribute('href'))"
        ".find(h => /^#\\/clients\\/[^/]+$/.test(h) && !h.endsWith('/new'))?.split('/').pop() ?? null")
    if not found:
        raise AssertionError("no client in the list")
    return found


def flows(d: Driver, client_id: str, save_dir: Path, tag: str) -> dict[str, float]:
    t: dict[str, float] = {}
    t["dashboard"] = go(d, "#/", DASHBOARD_READY)
    t["client list"] = go(d, "#/clients", "[data-testid=client-list] a")
    # A word of the client's own name: a search that finds something in either database.
    word = d.script_async(
        "const [id, done] = arguments; window.__TAURI_INTERNALS__.invoke('client_overview', {id})"
        ".then((o) => done(o.client.name.split(/\\s+/)[0]), () => done(''));", client_id)
    d.find_all("#global-search")[0].click()
    t["search (type a word)"] = d.script_async(
        r"""const [word, done] = arguments; const input = document.getElementById('global-search');
        const t0 = performance.now(); input.value = word; input.dispatchEvent(new Event('input', {bubbles: true}));
        const check = () => document.querySelector('#global-search-results [role=option]')
          ? requestAnimationFrame(() => done(performance.now() - t0))
          : performance.now() - t0 > 10000 ? done(-1) : setTimeout(check, 2);
        check();""", word)
    if t["search (type a word)"] < 0:
        raise AssertionError(f"searching {word!r} found nothing")
    d.script("const i = document.getElementById('global-search'); i.value = ''; i.dispatchEvent(new Event('input', {bubbles: true})); i.blur();")
    t["new ticket form"] = go(d, f"#/tickets/new?client={client_id}", "[data-testid=picked-client]")
    d.find_all("#ticket-title")[0].type(f"Benchmark {tag}")
    t["open ticket (submit)"] = timed(d, "[data-testid=ticket-form] button[type=submit]", "[data-testid=ticket-number]")
    # An intervention starts with its timer running; "start timer" is measured as a resume.
    t["start intervention"] = timed(d, "[data-testid=intervention-new-remote]", "[data-testid=timer-stop]")
    t["pause timer"] = timed(d, "[data-testid=timer-pause]", "[data-testid=timer-resume]")
    t["start timer"] = timed(d, "[data-testid=timer-resume]", "[data-testid=timer-stop]")
    time.sleep(1.1)
    t["stop timer"] = timed(d, "[data-testid=timer-stop]", "[data-testid=timer-state]", "Terminato")
    # Signing is timed alone: no printing right after it.
    d.script("localStorage.setItem('rapportino.printAfterSign', 'false')")
    t["open report"] = timed(d, "[data-testid=intervention-report]", "[data-testid=report-preview]")
    d.script("document.querySelector('[data-testid=sign-form]').scrollIntoView()")
    draw(d, "[data-testid=pad-customer]")
    d.find_all("#customer_signer_name")[0].type("Anna Bellè")
    draw(d, "[data-testid=pad-technician]")
    t["sign report"] = timed(d, "[data-testid=report-sign]", "[data-testid=report-status]", "Firmato")
    report_id = d.script("return location.hash.split('/').pop()")
    saved = d.script_async(TIMED_INVOKE, "save_report_as", {"id": report_id, "path": str(save_dir / f"{tag}.pdf")})
    if not isinstance(saved, (int, float)):
        raise AssertionError(f"save failed: {saved}")
    t["save report PDF"] = float(saved)
    return t


def main() -> int:
    variants = [
        ("bare window", BARE, [], BARE_READY),
        ("Rapportino, empty database", APP, ["--db", os.environ["BENCH_EMPTY_DB"]], DASHBOARD_READY),
        ("Rapportino, 1M interventions", APP, ["--db", os.environ["BENCH_1M_DB"]], DASHBOARD_READY),
    ]
    clients = {variants[1][0]: os.environ["BENCH_CLIENT"]}
    results: dict[str, dict[str, list[float]]] = {v[0]: {} for v in variants}
    save_dir = WORK / "saved"
    save_dir.mkdir(parents=True, exist_ok=True)
    for r in range(ROUNDS):
        for name, binary, args, ready in variants:
            step(f"round {r + 1}/{ROUNDS}: {name}")
            t0 = time.monotonic()
            d = session(binary, args)
            try:
                wait_fast(d, ready)
                start_ms = (time.monotonic() - t0) * 1000
                time.sleep(5)
                rss, pss = memory_kib(processes_of(binary))
                row = results[name]
                row.setdefault("cold start (ms)", []).append(start_ms)
                row.setdefault("idle RSS (MiB)", []).append(rss / 1024)
                row.setdefault("idle PSS (MiB)", []).append(pss / 1024)
                step(f"start {start_ms:.0f} ms, RSS {rss / 1024:.0f} MiB, PSS {pss / 1024:.0f} MiB")
                if binary == APP:
                    if name not in clients:
                        clients[name] = first_client(d)
                    for flow, ms in flows(d, clients[name], save_dir, f"r{r}-{len(row['cold start (ms)'])}-{name[:12]}").items():
                        row.setdefault(f"{flow} (ms)", []).append(ms)
            finally:
                d.quit()
            # The processes must be gone before the next start (a cold start each time).
            deadline = time.monotonic() + 20
            while processes_of(binary) and time.monotonic() < deadline:
                time.sleep(0.1)
    summary = {name: {k: {"median": statistics.median(v), "max": max(v), "runs": v} for k, v in row.items()} for name, row in results.items()}
    OUT.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    step(f"results in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
