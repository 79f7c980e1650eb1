"""Issue 20, items 1–2 in the app: the CSV import wizard (file → columns → dry run → import) on an
OpenSTAManager-like file with one wrong Partita IVA, fixed and imported; the client found in the
list; the clients exported to a file read back. Native file dialogs cannot be driven by WebDriver:
the wizard's path field is set by script (the commands still accept only the app's folders or a
path picked in a dialog), and the export is saved through its command with a path, as the other
scenarios save PDFs and backups."""

from __future__ import annotations

import os
from pathlib import Path

from helpers import Driver, invoke, shot, step

HEADER = "Codice;Ragione sociale;Partita IVA;Codice fiscale;Indirizzo;CAP;Città;Provincia;Email"
GOOD = "C001;Ottica Bellini srl;03123456786;;Via Roma 12;20900;Monza;MB;info@otticabellini.it"
BAD_VAT = "02987654321"  # wrong check digit
FIXED_VAT = "02987654320"
SECOND = "C002;Ferramenta Colombo snc;{vat};;Corso Milano 3;20900;Monza;MB;"


def write_file(path: Path, vat: str) -> None:
    path.write_text("\n".join([HEADER, GOOD, SECOND.format(vat=vat)]) + "\n", encoding="utf-8")


def import_and_export(d: Driver) -> None:
    work = Path(os.environ["PRINTED_DIR"]).parent
    folder = work / "rapporti"  # a path from the web view must be in the app's folders
    folder.mkdir(exist_ok=True)
    csv = folder / "anagrafiche.csv"
    write_file(csv, BAD_VAT)

    step("issue 20: the clients list leads to the import wizard")
    d.script("location.hash = '#/clients'")
    d.wait("[data-testid=client-import]").click()
    d.wait("[data-testid=import-wizard]")
    d.wait("[data-testid=import-entity] option[value=clients]")
    d.script(
        "const i = document.querySelector('[data-testid=import-path]'); i.value = arguments[0];"
        "i.dispatchEvent(new Event('change', {bubbles: true}));",
        str(csv),
    )
    d.wait("[data-testid=import-read]:not([disabled])").click()

    step("the columns: the OpenSTAManager preset proposed by core")
    d.wait("[data-testid=import-mapping]")
    d.wait("[data-testid=import-file-summary]", text="2 righe")
    for field, column in [("name", "Ragione sociale"), ("vat_number", "Partita IVA"), ("external_id", "Codice"), ("city", "Città")]:
        value = d.script("return document.querySelector(arguments[0]).value", f"[data-testid=import-map-{field}]")
        assert value == column, (field, value)
    shot(d, "desk-05-import-mapping")

    step("the dry run: one row refused (line, field, reason), import not allowed")
    d.wait("[data-testid=import-preview]").click()
    d.wait("[data-testid=import-errors-title]", text="1 riga")
    row = d.wait("[data-testid=import-error-row]")
    assert row.text.startswith("3") and "Partita IVA" in row.text, row.text
    assert d.script("return document.querySelector('[data-testid=import-run]').disabled") is True
    d.wait("[data-testid=import-counts]", text="nuove: 1")
    shot(d, "desk-06-import-preview-errors")

    step("the file fixed: a clean dry run, then the import")
    write_file(csv, FIXED_VAT)
    d.wait("[data-testid=import-rerun]").click()
    d.wait("[data-testid=import-clean]")
    d.wait("[data-testid=import-counts]", text="nuove: 2")
    shot(d, "desk-07-import-preview-clean")
    d.wait("[data-testid=import-run]:not([disabled])").click()
    d.wait("[data-testid=import-done]", text="nuove: 2")

    step("the imported client in the clients list")
    d.script("location.hash = '#/clients'")
    d.wait("[data-testid=client-search]").type("Bellini")
    d.wait("main", text="Ottica Bellini srl")

    step("the same file again updates nothing, duplicates nothing")
    report, err = invoke(d, "run_import", {"path": str(csv), "options": {
        "entity": "clients", "dry_run": True,
        "mapping": {"name": "Ragione sociale", "vat_number": "Partita IVA", "external_id": "Codice"}}})
    assert err is None and report["created"] == 0 and report["unchanged"] == 2, (report, err)

    step("the clients exported for Excel / LibreOffice, read back")
    d.script("location.hash = '#/settings/data'")
    d.wait("[data-testid=export-kind] option[value=billable_lines]")
    out = folder / "clienti.csv"
    saved, err = invoke(d, "save_export", {"options": {"kind": "clients", "style": "italian"}, "path": str(out)})
    assert err is None and saved["rows"] >= 2, (saved, err)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), data[:10]
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("name;external_id;vat_number"), lines[0]
    assert any(l.startswith("Ottica Bellini srl;C001;03123456786;") for l in lines), lines
    _, err = invoke(d, "save_export", {"options": {"kind": "clients", "style": "plain"}, "path": "/tmp/clienti.csv"})
    assert err is not None and err["code"] == "PATH_NOT_ALLOWED", err
    d.wait("[data-testid=export-panel]").click()
    shot(d, "desk-08-export")
