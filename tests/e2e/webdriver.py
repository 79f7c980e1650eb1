"""A minimal W3C WebDriver client (Python standard library only), enough to drive Rapportino
through tauri-driver + WebKitWebDriver: sessions, elements, keys, script, screenshots."""

from __future__ import annotations

import base64
import http.client
import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
ENTER = "\ue007"


class WebDriverError(Exception):
    pass


class Element:
    def __init__(self, driver: "Driver", element_id: str):
        self.driver = driver
        self.id = element_id

    def _path(self, suffix: str = "") -> str:
        return f"/element/{self.id}{suffix}"

    def click(self) -> "Element":
        self.driver.cmd("POST", self._path("/click"), {})
        return self

    def type(self, text: str) -> "Element":
        self.driver.cmd("POST", self._path("/value"), {"text": text})
        return self

    def clear(self) -> "Element":
        self.driver.cmd("POST", self._path("/clear"), {})
        return self

    @property
    def text(self) -> str:
        return self.driver.cmd("GET", self._path("/text"))

    def attr(self, name: str) -> str | None:
        """A DOM property (`value`, `checked`: what the user sees now)."""
        return self.driver.cmd("GET", self._path(f"/property/{name}"))

    def attribute(self, name: str) -> str | None:
        """An HTML attribute as written in the markup (`data-code`)."""
        return self.driver.cmd("GET", self._path(f"/attribute/{name}"))


class Driver:
    def __init__(self, url: str, capabilities: dict, timeout: float = 120):
        self.url = url.rstrip("/")
        self.timeout = timeout
        value = self._request("POST", "/session", {"capabilities": capabilities})
        self.session = value["sessionId"]

    def _request(self, method: str, path: str, body: dict | None = None):
        # tauri-driver forwards each request over a pooled keep-alive connection to WebKitWebDriver;
        # when WebKitWebDriver has closed that connection meanwhile, tauri-driver drops ours without
        # an answer (WebKitWebDriver and the app are fine, and the command never reached them).
        # Sending the request again is then safe and is what a browser would do.
        for attempt in range(3):
            try:
                return self._request_once(method, path, body)
            except (http.client.RemoteDisconnected, ConnectionResetError) as e:
                if attempt == 2:
                    raise
                print(f"    (WebDriver connection dropped on {method} {path.split('/')[-1]}: {e!r}; resending)", flush=True)
                time.sleep(0.3)
        raise AssertionError("unreachable")

    def _request_once(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json; charset=utf-8")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")
            raise WebDriverError(f"{method} {path}: HTTP {e.code}: {detail}") from None
        return payload.get("value")

    def cmd(self, method: str, path: str, body: dict | None = None):
        return self._request(method, f"/session/{self.session}{path}", body)

    def quit(self) -> None:
        try:
            self._request("DELETE", f"/session/{self.session}")
        except (WebDriverError, OSError):
            pass

    # Elements
    def find_all(self, css: str) -> list[Element]:
        found = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, e[ELEMENT_KEY]) for e in found]

    def wait(self, css: str, timeout: float = 15, text: str | None = None) -> Element:
        """The first element matching `css` (and containing `text`), waiting for it to appear."""
        deadline = time.monotonic() + timeout
        last = ""
        while True:
            try:
                for el in self.find_all(css):
                    last = el.text
                    if text is None or text.casefold() in last.casefold():  # CSS may upper-case
                        return el
            except WebDriverError as e:  # stale element while the UI re-renders
                last = str(e)
            if time.monotonic() > deadline:
                raise WebDriverError(f"timed out waiting for {css!r} with text {text!r} (last seen: {last!r})")
            time.sleep(0.2)

    def wait_gone(self, css: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while self.find_all(css):
            if time.monotonic() > deadline:
                raise WebDriverError(f"{css!r} is still there")
            time.sleep(0.2)

    def script(self, source: str, *args):
        return self.cmd("POST", "/execute/sync", {"script": source, "args": list(args)})

    def script_async(self, source: str, *args):
        """Runs `source` with a callback as its last argument; returns what it was called with."""
        return self.cmd("POST", "/execute/async", {"script": source, "args": list(args)})

    def screenshot(self, path: Path) -> Path:
        """The X display as seen by a user (window title included). WebKitWebDriver's own
        screenshot command was seen to hang here, so the display is captured with ImageMagick."""
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
        return path
