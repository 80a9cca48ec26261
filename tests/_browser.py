"""Open a page in headless Chromium and report what a person would see (test support).

Chromium comes from the distribution's packages (``apt-get install chromium``; ``.ci/run``
installs it when missing). It is driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``), so nothing but the standard library is needed, and no port
is opened. A screenshot is blank when more than 99.9 % of its pixels have one colour. :func:`open_page` loads a file, collects console errors (console.error calls,
uncaught exceptions, and the browser's own error log: a resource that failed to load),
counts the SVG elements and how many of them are visible, and takes a screenshot of the
whole page.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PageCheck", "chromium", "open_page"]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-pipe",
)

_VISIBLE_SVGS = """(() => {
  const all = Array.from(document.querySelectorAll('svg'));
  const shown = all.filter(s => {
    const r = s.getBoundingClientRect(), st = getComputedStyle(s);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'
      && Number(st.opacity) > 0;
  });
  return [shown.length, all.length, document.documentElement.scrollHeight];
})()"""


_DOMINANT = """(async () => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + %s;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, img.width, img.height).data;
  const counts = new Map();
  let best = 0;
  for (let i = 0; i < data.length; i += 4) {
    const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    const n = (counts.get(key) || 0) + 1;
    counts.set(key, n);
    if (n > best) best = n;
  }
  return best / (data.length / 4);
})()"""


@dataclass
class PageCheck:
    """What the browser saw."""

    console_errors: list[str] = field(default_factory=list)
    visible_svgs: int = 0
    total_svgs: int = 0
    screenshot_blank: bool = True


def chromium() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _Pipe:
    def __init__(self, process: subprocess.Popen[bytes], write: int, read: int) -> None:
        self.process, self.write, self.read = process, write, read
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive(timeout=60)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        deadline = time.monotonic() + timeout
        while True:
            event = self._receive(timeout=max(0.1, deadline - time.monotonic()))
            self.events.append(event)
            if event.get("method") == method:
                return event

    def _receive(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.read], [], [], max(0.0, left))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.read, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium closed the pipe (exit code {self.process.poll()})")
            self.buffer += chunk
        text, self.buffer = self.buffer.split(b"\0", 1)
        return dict(json.loads(text))


def open_page(path: Path, screenshot: Path, *, width: int = 1280) -> PageCheck:
    """Load ``path`` in headless Chromium; save a full-page PNG to ``screenshot``.

    Raises:
        FileNotFoundError: Chromium is not installed.
    """
    binary = chromium()
    if binary is None:
        raise FileNotFoundError("Chromium is not installed (apt-get install chromium)")
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()

    def wire() -> None:  # the child reads commands on fd 3 and writes answers on fd 4
        os.dup2(to_browser_r, 3)
        os.dup2(from_browser_w, 4)

    with tempfile.TemporaryDirectory() as profile:
        process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,  # noqa: PLW1509 - only dup2, before exec
            pass_fds=(3, 4),  # kept open in the child: preexec_fn put the pipes there
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        pipe = _Pipe(process, to_browser_w, from_browser_r)
        try:
            return _check(pipe, path, screenshot, width)
        finally:
            try:
                pipe.send("Browser.close")
            except (RuntimeError, TimeoutError, OSError):
                pass
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            os.close(to_browser_w)
            os.close(from_browser_r)


def _check(pipe: _Pipe, path: Path, screenshot: Path, width: int) -> PageCheck:
    target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        pipe.send(domain, session=session)
    pipe.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    pipe.events.clear()
    pipe.send("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
    pipe.wait_for("Page.loadEventFired")
    result = pipe.send(
        "Runtime.evaluate", {"expression": _VISIBLE_SVGS, "returnByValue": True}, session=session
    )
    visible, total, height = result["result"]["value"]
    pipe.send(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": width,
            "height": min(int(height), 16_000),
            "deviceScaleFactor": 1,
            "mobile": False,
        },
        session=session,
    )
    shot = pipe.send("Page.captureScreenshot", {"format": "png"}, session=session)
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    errors = _errors(pipe.events)
    # The PNG's pixels, read back by the browser itself: a canvas is far faster than Python.
    share = pipe.send(
        "Runtime.evaluate",
        {
            "expression": _DOMINANT % json.dumps(shot["data"]),
            "awaitPromise": True,
            "returnByValue": True,
        },
        session=session,
    )["result"]["value"]
    return PageCheck(
        console_errors=errors,
        visible_svgs=int(visible),
        total_svgs=int(total),
        screenshot_blank=float(share) > 0.999,
    )


def _errors(events: list[dict[str, Any]]) -> list[str]:
    found = []
    for event in events:
        params = event.get("params", {})
        if event.get("method") == "Runtime.consoleAPICalled" and params.get("type") == "error":
            found.append(
                " ".join(
                    str(a.get("value", a.get("description", ""))) for a in params.get("args", [])
                )
            )
        elif event.get("method") == "Runtime.exceptionThrown":
            found.append(str(params.get("exceptionDetails", {}).get("text", "exception")))
        elif (
            event.get("method") == "Log.entryAdded"
            and params.get("entry", {}).get("level") == "error"
        ):
            found.append(str(params["entry"].get("text", "")))
    return found
