"""The e2e scenario `mail`: customer mail on the real app against a real SMTP server (the mail
crate's test server on Debian's python3-aiosmtpd, plain SMTP with AUTH on loopback). Settings ›
Posta: an invalid sender refused at entry, the account saved (the password write-only), mail
turned on; a signed report sent with "Invia al cliente", "Invia ora" on the outbox screen; the
message read back from the server's Maildir with Python's `email`: the report number in the
subject, the PDF attached byte-equal to the printed one; the outbox shows it sent."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import tempfile
import time
from pathlib import Path

from helpers import Driver, invoke, onboard, scroll_to, select, shot, step

ROOT = Path(__file__).resolve().parents[2]
USER = "officina@example.it"
PASSWORD = "segreta-è-lunga-4711"


def start_smtp(maildir: Path) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        ["/usr/bin/python3", str(ROOT / "crates/mail/tests/smtp_server.py"), "--security", "plain", "--mode", "accept",
         "--dir", str(maildir), "--user", USER, "--password", PASSWORD],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    line = server.stdout.readline() if server.stdout else ""
    assert line.startswith("READY "), f"the SMTP test server did not start (python3-aiosmtpd?): {line!r}"
    return server, int(line.split()[1])


def delivered(maildir: Path, count: int) -> list[email.message.EmailMessage]:
    for _ in range(100):
        files = sorted((maildir / "new").glob("*")) if (maildir / "new").exists() else []
        if len(files) >= count:
            return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
        time.sleep(0.2)
    raise AssertionError(f"{count} messages expected in {maildir}/new")


def scenario_mail(d: Driver) -> None:
    printed = Path(os.environ["PRINTED_DIR"])
    maildir = Path(tempfile.mkdtemp(prefix="rapportino-maildir-"))
    server, port = start_smtp(maildir)
    try:
        run(d, printed, maildir, port)
    finally:
        if server.stdin:
            server.stdin.close()
        server.terminate()
        server.wait(timeout=10)


def run(d: Driver, printed: Path, maildir: Path, port: int) -> None:
    onboard(d)
    step("setup (not counted): a client with an e-mail, a ticket, an intervention, its report signed")
    client, err = invoke(d, "create_client", {"input": {"name": "Studio Dentistico Bellè", "email": "segreteria@studiobelle.it"}})
    assert err is None, err
    ticket, err = invoke(d, "open_ticket", {"input": {
        "client_id": client["id"], "origin": "phone", "severity": "degraded", "urgent": False, "is_bug": False,
        "title": "Il NAS non risponde", "priority_requested": False, "out_of_scope": False}})
    assert err is None, err
    i, err = invoke(d, "create_intervention", {"input": {"ticket_id": ticket["id"], "mode": "remote"}})
    assert err is None, err
    for cmd in ("timer_start", "timer_stop"):
        _, err = invoke(d, cmd, {"id": i["id"]})
        assert err is None, err
    report, err = invoke(d, "create_report", {"intervention_id": i["id"]})
    assert err is None, err
    pad = {"signer_name": "Anna Bellè", "width": 480.0, "height": 170.0,
           "strokes": [{"points": [{"x": 10.0 + k * 9.0, "y": 40.0 + (k % 3) * 20.0, "pressure": 0.5, "t": k * 16} for k in range(30)]}]}
    tech = {**pad, "signer_name": ""}
    _, err = invoke(d, "sign_report", {"id": report["id"], "input": {"customer": pad, "technician": tech}})
    assert err is None, err
    number = report["number"]

    step("Settings › Posta: mail on (reports are sent by hand here), the account, an invalid sender refused")
    d.wait("[data-testid=nav-settings]").click()
    d.wait("[data-testid=settings-tab-mail]").click()
    d.wait("[data-testid=mail-enabled]").click()
    d.wait("[data-testid=mail-kind-report_signed]").click()
    d.wait("[data-testid=mail-settings-save]").click()
    d.wait("[data-testid=mail-settings-notice]", text="salvate")
    d.wait("[data-testid=mail-host]").type("127.0.0.1")
    d.wait("[data-testid=mail-port]").type(str(port))
    select(d, "[data-testid=mail-security]", "plain")
    d.wait("[data-testid=mail-user]").type(USER)
    d.wait("[data-testid=mail-password]").type(PASSWORD)
    d.wait("[data-testid=mail-from]").clear().type("officina@@example")
    d.wait("[data-testid=mail-account-save]").click()
    d.wait("[data-testid=mail-account] [data-testid=error-box][data-code=MAIL_ADDRESS_INVALID]", text="non è valido")
    d.wait("[data-testid=mail-from]").clear().type(USER)
    d.wait("[data-testid=mail-account-save]").click()
    d.wait("[data-testid=mail-account-notice]", text="Account salvato")
    placeholder = d.wait("[data-testid=mail-password]").attr("placeholder") or ""
    assert "impostata" in placeholder and d.wait("[data-testid=mail-password]").attr("value") == "", placeholder
    # run.sh gives the session an unlocked GNOME Keyring when it can: the password goes there.
    where = "portachiavi di sistema" if os.environ.get("E2E_KEYRING") == "1" else "leggibile solo dal tuo utente"
    d.wait("[data-testid=mail-password-store]", text=where)
    d.wait("[data-testid=mail-test-to]").type("prova@example.it")
    d.wait("[data-testid=mail-test-send]").click()
    d.wait("[data-testid=mail-account-notice]", text="250", timeout=20)
    assert delivered(maildir, 1)[0]["To"] == "prova@example.it"
    d.wait("[data-testid=mail-template-preview]", text="T-2026")
    d.script("window.scrollTo(0, 0)")
    shot(d, "70-mail-settings")

    step("the signed report: «Invia al cliente» beside Stampa")
    d.script("location.hash = arguments[0]", f"#/reports/{report['id']}")
    d.wait("[data-testid=report-done]")
    d.wait("[data-testid=report-send-mail]", text="Invia al cliente").click()
    d.wait("[data-testid=report-notice]", text="segreteria@studiobelle.it")

    step("Posta in uscita: «Invia ora», the message goes, the row says Inviato")
    d.wait("[data-testid=nav-outbox]").click()
    row = d.wait("[data-testid=outbox-list] [data-testid=mail-row][data-kind=report_signed]")
    d.wait("[data-testid=mail-send-now]").click()
    d.wait("[data-testid=mail-send-now-done]", text="Inviati 1", timeout=30)
    d.wait("[data-testid=mail-row][data-kind=report_signed][data-status=sent]", text="Inviato")
    del row
    select(d, "[data-testid=outbox-status]", "sent")
    d.wait("[data-testid=mail-row][data-status=sent]", text=number)
    shot(d, "71-mail-outbox")

    step("what the server received: the number in the subject, the printed PDF attached")
    msg = delivered(maildir, 2)[1]
    assert number in msg["Subject"] and "[T-" in msg["Subject"], msg["Subject"]
    assert msg["To"] == "segreteria@studiobelle.it", msg["To"]
    assert "Gentile Studio Dentistico Bellè" in msg.get_body(preferencelist=("plain",)).get_content()
    pdfs = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_filename() == f"{number}.pdf", [p.get_filename() for p in pdfs]
    _, err = invoke(d, "print_report", {"id": report["id"]})
    assert err is None, err
    pdf = printed / f"{number}.pdf"
    for _ in range(50):
        if pdf.exists() and pdf.stat().st_size > 1000:
            break
        time.sleep(0.2)
    assert pdfs[0].get_content() == pdf.read_bytes(), "the mailed PDF is the printed one, byte for byte"

    step("the ticket page lists its message")
    d.script("location.hash = arguments[0]", f"#/tickets/{ticket['id']}")
    scroll_to(d, "[data-testid=ticket-messages]")
    d.wait("[data-testid=ticket-messages] [data-testid=mail-row][data-status=sent]", text="Rapporto firmato")
