"""The e2e scenario `intake`: e-mail to ticket in the real app, through the device's own intake
(a computer working alone; through the hub: the scenario `intake-hub`), against a
real Dovecot (the intake crate's test server, started once for the suite by run.sh). Settings ›
Posta in arrivo: a bad name refused at entry, the mailbox saved with its certificate authority
(the password write-only), "Prova connessione". Two mails are put in the mailbox with IMAP APPEND
(Python's imaplib), with an arrival time in the past: an authorised contact's URGENTE and a
stranger's request with an attachment. "Controlla ora" takes them: the contact's becomes a ticket
reported at the arrival time and urgent; the stranger's waits in "Da smistare" (the menu's count
says 1), is assigned to the client with "aggiungi come contatto autorizzato", and its ticket shows
the request's attachment in the customer history."""

from __future__ import annotations

import datetime
import imaplib
import os
import ssl
from zoneinfo import ZoneInfo

from helpers import Driver, invoke, onboard, scroll_to, select, shot, step
from webdriver import ENTER


def append(mails: list[bytes], arrived: datetime.datetime) -> None:
    ctx = ssl.create_default_context(cafile=os.environ["IMAP_CA"])
    with imaplib.IMAP4_SSL("localhost", int(os.environ["IMAP_PORT"]), ssl_context=ctx) as imap:
        imap.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
        for m in mails:
            typ, _ = imap.append("INBOX", None, imaplib.Time2Internaldate(arrived), m)
            assert typ == "OK", typ
        imap.logout()


def rome(at: datetime.datetime) -> str:
    return at.astimezone(ZoneInfo("Europe/Rome")).strftime("%d/%m/%Y %H:%M")


def scenario_intake(d: Driver) -> None:
    onboard(d)
    step("setup (not counted): a client whose authorised contact writes from anna@ferri.it")
    client, err = invoke(d, "create_client", {"input": {"name": "Ottica Ferri"}})
    assert err is None, err
    _, err = invoke(d, "create_contact", {"client_id": client["id"], "input": {
        "name": "Anna Ferri", "email": "anna@ferri.it", "authorised": True}})
    assert err is None, err

    step("Settings › Posta in arrivo: a bad name refused, the mailbox saved, «Prova connessione»")
    d.wait("[data-testid=nav-settings]").click()
    d.wait("[data-testid=settings-tab-inbox]").click()
    d.wait("[data-testid=inbox-empty]", text="Nessuna casella")
    d.wait("[data-testid=inbox-add]").click()
    d.wait("[data-testid=inbox-name]").clear().type("Assistenza Clienti")
    d.wait("[data-testid=inbox-host]").type("localhost")
    d.wait("[data-testid=inbox-port]").type(os.environ["IMAP_PORT"])
    select(d, "[data-testid=inbox-security]", "implicit")
    d.wait("[data-testid=inbox-user]").type(os.environ["IMAP_USER"])
    d.wait("[data-testid=inbox-password]").type(os.environ["IMAP_PASSWORD"])
    d.wait("[data-testid=inbox-category]").type("Assistenza")
    # The PEM is long: set it as a paste would, then let Svelte's binding see it.
    pem = open(os.environ["IMAP_CA"], encoding="ascii").read()
    d.script(
        "const t = document.querySelector('#inbox-ca'); t.value = arguments[0];"
        "t.dispatchEvent(new Event('input', {bubbles: true}));",
        pem,
    )
    # Enter in a field submits the form, as a keyboard user does.
    d.wait("[data-testid=inbox-user]").type(ENTER)
    d.wait("[data-testid=inbox] [data-testid=error-box][data-code=INVALID_FORMAT]")
    scroll_to(d, "[data-testid=inbox-name]")
    d.wait("[data-testid=inbox-name]").clear().type("assistenza" + ENTER)
    d.wait("[data-testid=inbox-notice]", text="Casella salvata")
    d.wait("[data-testid=inbox-mailbox]", text="assistenza")
    d.wait("[data-testid=inbox-status]", text="Mai controllata")
    d.wait("[data-testid=inbox-test]").click()
    d.wait("[data-testid=inbox-notice]", text="Connessione riuscita", timeout=20)

    step("two mails arrive (IMAP APPEND, arrived 20 minutes ago): URGENTE from the contact, a stranger's with an attachment")
    arrived = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)).replace(second=0, microsecond=0)
    known = (b"From: Anna Ferri <anna@ferri.it>\r\nTo: assistenza@negozio.it\r\n"
             b"Subject: URGENTE: il server non risponde\r\nMessage-ID: <e2e-1@ferri.it>\r\n"
             b"Content-Type: text/plain; charset=UTF-8\r\n\r\nDa stamattina nessuno riesce a lavorare.\r\n")
    stranger = (b"From: Luca Neri <luca@nuovo.it>\r\nTo: assistenza@negozio.it\r\nSubject: Stampante inceppata\r\n"
                b"Message-ID: <e2e-2@nuovo.it>\r\nMIME-Version: 1.0\r\n"
                b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                b"Buongiorno, la stampante del negozio si inceppa. Allego il registro.\r\n--b\r\n"
                b"Content-Type: text/plain; name=\"registro.log\"\r\n"
                b"Content-Disposition: attachment; filename=\"registro.log\"\r\n\r\nERRORE 42: carta inceppata\r\n--b--\r\n")
    append([known, stranger], arrived)

    step("«Controlla ora»: both taken; the mailbox shows its last poll")
    d.wait("[data-testid=inbox-collect]").click()
    d.wait("[data-testid=inbox-notice]", text="2 messaggi presi", timeout=30)
    d.wait("[data-testid=inbox-status]", text="Ultimo controllo")
    d.wait("[data-testid=nav-triage-count]", text="1", timeout=35)
    d.script("window.scrollTo(0, 0)")
    shot(d, "80-intake-settings")

    step("the contact's mail is a ticket: urgent, reported at the arrival, channel e-mail")
    d.wait("[data-testid=nav-dashboard]").click()
    d.script("location.hash = '#/tickets'")
    d.wait("[data-testid=ticket-list]", text="il server non risponde")
    d.script(
        "const r = [...document.querySelectorAll('[data-testid=ticket-list] tbody tr')]"
        ".find((r) => r.textContent.includes(arguments[0])); r.querySelector('a').click();",
        "il server non risponde",
    )
    d.wait("[data-testid=ticket-number]", text="T-")
    d.wait(".badge.urgent")
    reported = d.wait("[data-testid=ticket-reported]").text
    assert reported == rome(arrived), (reported, rome(arrived))
    d.wait("[data-testid=ticket-facts]", text="E-mail")
    shot(d, "81-intake-ticket")

    step("Da smistare: the stranger's request, assigned to the client with the sender added as a contact")
    d.wait("[data-testid=nav-triage]").click()
    req = d.wait("[data-testid=triage-request]", text="Stampante inceppata")
    d.wait("[data-testid=triage-sender]", text="luca@nuovo.it")
    d.wait("[data-testid=triage-received]", text=rome(arrived))
    d.wait("[data-testid=triage-attachments]", text="registro.log")
    d.wait("[data-testid=triage-reason-word]", text="mittente sconosciuto")
    shot(d, "82-intake-triage")
    del req
    d.wait("[data-testid=triage-assign-open]").click()
    d.wait("[data-testid=triage-assign] [data-testid=client-picker-input]").type("Ottica")
    d.wait("[data-testid=triage-assign] [data-testid=client-picker-option]", text="Ottica Ferri").click()
    d.wait("[data-testid=triage-assign] [data-testid=picked-client]", text="Ottica Ferri")
    assert d.script("return document.querySelector('[data-testid=triage-add-contact]').checked") is True
    shot(d, "83-intake-assign")
    d.wait("[data-testid=triage-assign-confirm]").click()
    d.wait("[data-testid=triage-done]", text="Assegnata")
    d.wait("[data-testid=triage-empty]")
    d.wait_gone("[data-testid=nav-triage-count]")
    overview, err = invoke(d, "client_overview", {"id": client["id"]})
    assert err is None, err
    assert any(c["email"] == "luca@nuovo.it" and c["authorised"] for c in overview["contacts"]), overview["contacts"]

    step("its ticket: reported at the arrival, the request's attachment in the customer history")
    d.wait("[data-testid=triage-done-ticket]").click()
    d.wait("[data-testid=ticket-number]", text="T-")
    assert d.wait("[data-testid=ticket-reported]").text == rome(arrived)
    scroll_to(d, "[data-testid=ticket-customer]")
    d.wait("[data-testid=opening-attachments] [data-testid=attachment]", text="registro.log")
    d.wait("[data-testid=attachment-save]", text="Salva")
    shot(d, "84-intake-ticket-attachments")
