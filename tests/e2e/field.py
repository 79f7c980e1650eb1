"""The e2e scenario `field`: a technician's way from a ticket on the home screen to a signed,
printed rapporto, with every user action counted (clicks, key chords, text entries, each pad's
signature as one) — the goal is six at most — and the printed PDF read back. It walks the trap
(the work done typed and never saved before signing), the technician's saved signature, the
customer absent or refusing, the report page's guard against unsaved edits, and the signing view
on a 1280×800 laptop and in full screen."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from helpers import Driver, draw, invoke, onboard, shot, step

LAPTOP = {"x": 0, "y": 0, "width": 1280, "height": 800}


class Actions:
    """Counts what the user does; setup and checks go around it."""

    def __init__(self, d: Driver) -> None:
        self.d = d
        self.done: list[str] = []

    def click(self, css: str, what: str, text: str | None = None) -> None:
        self.d.wait(css, text=text).click()
        self.done.append(f"click {what}")

    def type(self, css: str, value: str, what: str) -> None:
        self.d.wait(css).type(value)
        self.done.append(f"type {what}")

    def sign(self, css: str, what: str) -> None:
        draw(self.d, css)
        self.done.append(f"sign {what}")


def printed_text(printed: Path, number: str) -> str:
    pdf = printed / f"{number}.pdf"
    for _ in range(50):
        if pdf.exists() and pdf.stat().st_size > 1000:
            break
        time.sleep(0.2)
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def new_ticket(d: Driver, client_id: str, title: str, contact_id: str | None) -> str:
    ticket = {
        "client_id": client_id,
        "origin": "phone",
        "severity": "degraded",
        "urgent": False,
        "is_bug": False,
        "title": title,
        "priority_requested": False,
        "out_of_scope": False,
    }
    if contact_id:
        ticket["contact_id"] = contact_id
    made, err = invoke(d, "open_ticket", {"input": ticket})
    assert err is None, err
    return made["number"]


def scenario_field(d: Driver) -> None:
    printed = Path(os.environ["PRINTED_DIR"])
    onboard(d)
    d.cmd("POST", "/window/rect", LAPTOP)
    time.sleep(0.5)

    step("setup (not counted): a client, its contact who asked, two tickets assigned to this technician")
    client, err = invoke(d, "create_client", {"input": {"name": "Studio Notarile Galli", "city": "Bergamo"}})
    assert err is None, err
    contact, err = invoke(d, "create_contact", {"client_id": client["id"], "input": {"name": "Giulia Galli", "email": "giulia@notaiogalli.it", "authorised": True}})
    assert err is None, err
    first = new_ticket(d, client["id"], "Il NAS non risponde", contact["id"])
    second = new_ticket(d, client["id"], "Scanner di rete fermo", None)

    step("once: the technician saves their signature in Settings › Tecnici, with consent")
    d.wait("[data-testid=nav-settings]").click()
    d.wait("[data-testid=settings-tab-technicians]").click()
    d.wait("[data-testid=own-signature-capture]").click()
    draw(d, "[data-testid=pad-own]", wiggle=1.4)
    d.wait("[data-testid=own-signature-keep]").click()
    box = d.wait("[data-testid=own-signature-form]")
    assert "consenso" in box.text.lower() or d.find_all("[data-testid=own-signature-consent]"), box.text
    d.wait("[data-testid=own-signature-consent]").click()
    d.wait("[data-testid=own-signature-keep]").click()
    d.wait("[data-testid=own-signature-preview]")
    shot(d, "60-field-own-signature")

    step("the flow, counted: home screen → ticket → intervention → signed, printed report")
    d.wait("[data-testid=nav-dashboard]").click()
    d.wait("[data-testid=dash-tickets]", text=first)
    act = Actions(d)
    started = time.monotonic()
    act.click("[data-testid=dash-tickets] a", "the ticket", text=first)
    act.click("[data-testid=intervention-new-on_site]", "Inizia intervento in sede")
    d.wait("[data-testid=timer-stop]")
    time.sleep(1.2)  # some work
    work_done = "Riavviato il NAS, sostituito l'alimentatore guasto; condivisioni verificate."
    # The trap: typed, never saved, straight to signing.
    act.type("#intervention-work_done", work_done, "the work done")
    shot(d, "61-field-intervention")
    act.click("[data-testid=intervention-report]", "Termina e firma", text="Termina e firma")
    d.wait("[data-testid=sign-summary]", text="alimentatore guasto")
    assert d.wait("#customer_signer_name").attr("value") == "Giulia Galli", "the requester is suggested"
    d.wait("[data-testid=sign-own-preview]")
    # The signing view fits a 1280×800 laptop: the sign button is in view without scrolling.
    fits = d.script(
        "const b = document.querySelector('[data-testid=report-sign]').getBoundingClientRect();"
        "return {bottom: b.bottom, inner: window.innerHeight, scrolled: window.scrollY};"
    )
    assert fits["scrolled"] == 0 and fits["bottom"] <= fits["inner"], fits
    act.sign("[data-testid=pad-customer]", "the customer")
    shot(d, "62-field-signing")
    act.click("[data-testid=report-sign]", "Firma e stampa", text="Firma e stampa")
    d.wait("[data-testid=report-done]", timeout=20)
    d.wait("[data-testid=report-notice]", text="stampante", timeout=20)
    seconds = time.monotonic() - started
    number = d.wait("[data-testid=report-number]").text
    short = d.wait("[data-testid=report-hash]").text
    shot(d, "63-field-signed")
    step(f"{len(act.done)} actions in {seconds:.1f} s: {act.done}")
    assert len(act.done) <= 6, act.done

    step("the printed PDF says what was typed, who signed and its hash")
    text = printed_text(printed, number)
    assert work_done in text, text[:1500]
    assert "Giulia Galli" in text and short in text and number in text, text[:1500]

    step("the second ticket: stopped first, then unsaved edits reach the report page")
    d.wait("[data-testid=nav-dashboard]").click()
    d.wait("[data-testid=dash-tickets] a", text=second).click()
    d.wait("[data-testid=intervention-new-on_site]").click()
    d.wait("[data-testid=timer-stop]").click()
    d.wait("[data-testid=timer-state]", text="Terminato")
    d.wait("#intervention-work_done").type("Pulito il vetro dello scanner.")
    d.wait("[data-testid=intervention-report]", text="Firma il rapporto").click()
    d.wait("[data-testid=sign-summary]", text="Pulito il vetro")
    report_hash = d.script("return location.hash")
    d.script("history.back()")
    d.wait("#intervention-work_done").type(" Aggiornato il driver.")
    time.sleep(1.2)  # the draft's debounce
    d.script("location.hash = arguments[0]", report_hash)
    alert = d.wait("[data-testid=report-unsaved]", text="Lavoro svolto")
    assert d.wait("[data-testid=report-sign]").attr("disabled"), "signing waits for the edits"
    shot(d, "64-field-unsaved")
    d.wait("[data-testid=report-save-unsaved]").click()
    d.wait_gone("[data-testid=report-unsaved]")
    d.wait("[data-testid=sign-summary]", text="Aggiornato il driver")
    del alert

    step("full screen for a pen, then the customer refuses: the technician signs alone")
    d.wait("[data-testid=sign-fullscreen]").click()
    d.wait("[data-testid=sign-form].full")
    shot(d, "65-field-fullscreen")
    d.wait("[data-testid=sign-fullscreen]").click()
    d.wait_gone("[data-testid=sign-form].full")
    d.wait("[data-testid=sign-customer-absent]").click()
    d.wait("[data-testid=absence-refused]").click()
    d.wait("#customer_absence_note").type("contesta i tempi di viaggio")
    d.wait("[data-testid=report-sign]").click()
    d.wait("[data-testid=report-done]", text="solo tecnico", timeout=20)
    number2 = d.wait("[data-testid=report-number]").text
    text2 = printed_text(printed, number2)
    assert "Il cliente rifiuta di firmare: contesta i tempi di viaggio" in text2, text2[:1500]
    assert "Firmato dal solo tecnico" in text2 and "Aggiornato il driver" in text2, text2[:1500]
    shot(d, "66-field-signed-alone")

    # The action count and time, for docs/BENCHMARKS.md.
    figures = Path(os.environ.get("E2E_FIGURES", printed.parent / "field-figures.txt"))
    figures.write_text(f"actions={len(act.done)} seconds={seconds:.1f} steps={act.done}\n")
    assert re.match(r"^RI-\d{4}-MR-\d{4}$", number2), number2
