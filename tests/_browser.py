"""Open a page in headless Chromium and say what a person would see: errors, charts, pixels.

Chromium comes from the distribution's packages (``.ci/run`` installs Debian's ``chromium``
when missing); it is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ended by a NUL byte, read from file descriptor 3 and written to 4), so no
browser driver or download is needed. Each call starts a fresh browser with a fresh profile
and stops it.

When no Chromium can be found the calling test is skipped with the reason — except under CI
(``CI=true``), where it fails instead.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TIMEOUT = 60.0
"""Seconds a page may take from launch to screenshot."""

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)

# The inline <svg> elements of the page (not those nested in another), and how many of them
# are rendered with a size: not display:none, not hidden, not fully transparent.
_COUNT_SVGS = """(() => {
  const svgs = [...document.querySelectorAll('svg')]
    .filter(s => !(s.parentElement && s.parentElement.closest('svg')));
  const visible = svgs.filter(s => {
    const box = s.getBoundingClientRect();
    return box.width > 0 && box.height > 0
      && s.checkVisibility({opacityProperty: true, visibilityProperty: true});
  });
  return JSON.stringify({total: svgs.length, visible: visible.length});
})()"""


@dataclass(frozen=True)
class PageCheck:
    """What opening a page showed."""

    console_errors: list[str]
    """Errors the page reported: console.error calls, uncaught exceptions, failed loads."""
    visible_svgs: int
    """Inline SVG elements rendered with a size (not hidden, not transparent)."""
    total_svgs: int
    """Inline SVG elements in the page (nested ones not counted)."""
    screenshot_blank: bool
    """Whether the screenshot is one colour throughout."""


def chromium() -> str | None:
    """The Chromium executable: CRISISKIT_CHROMIUM if set, else the first found on PATH."""
    given = os.environ.get("CRISISKIT_CHROMIUM")
    if given:
        return given
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"headless Chromium is required under CI: {reason}")
    pytest.skip(f"no headless Chromium: {reason}")


def open_page(path: Path, screenshot: Path) -> PageCheck:
    """Load ``path`` in headless Chromium, save a full-page PNG to ``screenshot``, report."""
    executable = chromium()
    if executable is None:
        _unavailable(
            "install the distribution's chromium package (apt-get install chromium), or set "
            "CRISISKIT_CHROMIUM to the browser's executable"
        )
        raise AssertionError("unreachable")  # pytest.fail and pytest.skip raise
    with (
        tempfile.TemporaryDirectory(prefix="crisiskit-chromium-") as profile,
        _Browser(executable, Path(profile)) as browser,
    ):
        return browser.check(Path(path).resolve(), Path(screenshot))


class _Browser:
    """One Chromium process and the DevTools protocol over its pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        self.deadline = time.monotonic() + TIMEOUT
        # Chromium reads commands on fd 3 and writes answers on fd 4. The pipe ends are first
        # moved to fds >= 10, so that putting them at 3 and 4 in the child cannot clobber one
        # with the other.
        command_read, command_write = os.pipe()
        answer_read, answer_write = os.pipe()
        child_in = fcntl.fcntl(command_read, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(answer_write, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(command_read)
        os.close(answer_write)

        def at_3_and_4() -> None:
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        try:
            self.process = subprocess.Popen(
                [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=(3, 4),
                preexec_fn=at_3_and_4,  # noqa: PLW1509 - only dup2 runs between fork and exec
            )
        except OSError as problem:
            os.close(command_write)
            os.close(answer_read)
            _unavailable(f"{executable} could not be started: {problem}")
            raise
        finally:
            os.close(child_in)
            os.close(child_out)
        self.commands = os.fdopen(command_write, "wb", buffering=0)
        self.answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []
        self.next_id = 0
        self.stderr: list[bytes] = []
        self.threads = [
            threading.Thread(target=self._read, args=(answer_read,), daemon=True),
            threading.Thread(target=self._drain_stderr, daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def __enter__(self) -> _Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.process.poll() is None:
                self._send("Browser.close", {}, wait=False)
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, RuntimeError):
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            self.commands.close()
            # The browser is gone, so both pipes reach their end and the readers stop.
            for thread in self.threads:
                thread.join(timeout=10)
            if self.process.stderr is not None:
                self.process.stderr.close()

    def _read(self, fd: int) -> None:
        buffer = b""
        with os.fdopen(fd, "rb", buffering=0) as answers:
            while chunk := answers.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for message in messages:
                    self.answers.put(json.loads(message))
        self.answers.put(None)  # the browser closed the pipe

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def _send(
        self, method: str, params: dict[str, Any], session: str | None = None, *, wait: bool = True
    ) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        self.commands.write(json.dumps(message).encode() + b"\0")
        if not wait:
            return {}
        while True:
            answer = self._next(f"the answer to {method}")
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))
            self.events.append(answer)

    def _next(self, waiting_for: str) -> dict[str, Any]:
        left = self.deadline - time.monotonic()
        try:
            answer = self.answers.get(timeout=max(left, 0.01))
        except queue.Empty:
            raise AssertionError(
                f"headless Chromium did not give {waiting_for} within {TIMEOUT:.0f} s"
            ) from None
        if answer is None:
            detail = b"".join(self.stderr).decode(errors="replace").strip()[-1000:]
            raise AssertionError(f"headless Chromium stopped before {waiting_for}: {detail}")
        return answer

    def _wait_for(self, method: str, session: str) -> None:
        seen = any(e.get("method") == method and e.get("sessionId") == session for e in self.events)
        while not seen:
            event = self._next(method)
            self.events.append(event)
            seen = event.get("method") == method and event.get("sessionId") == session

    def check(self, page: Path, screenshot: Path) -> PageCheck:
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self._send(f"{domain}.enable", {}, session)
        self._send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        self.events.clear()  # only what the page itself does counts
        navigated = self._send("Page.navigate", {"url": page.as_uri()}, session)
        errors = [f"navigation: {navigated['errorText']}"] if navigated.get("errorText") else []
        self._wait_for("Page.loadEventFired", session)
        # Two animation frames after load: the page has laid out and painted.
        self._send(
            "Runtime.evaluate",
            {
                "expression": "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))",
                "awaitPromise": True,
            },
            session,
        )
        counted = self._send(
            "Runtime.evaluate", {"expression": _COUNT_SVGS, "returnByValue": True}, session
        )
        counts = json.loads(counted["result"]["value"])
        shot = self._send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session
        )
        data = base64.b64decode(shot["data"])
        screenshot.write_bytes(data)
        errors += [text for event in self.events if (text := _error_text(event)) is not None]
        return PageCheck(
            console_errors=errors,
            visible_svgs=int(counts["visible"]),
            total_svgs=int(counts["total"]),
            screenshot_blank=_one_colour(screenshot),
        )


def _error_text(event: dict[str, Any]) -> str | None:
    method, params = event.get("method"), event.get("params", {})
    if method == "Runtime.exceptionThrown":
        details = params.get("exceptionDetails", {})
        thrown = details.get("exception", {})
        return f"uncaught: {thrown.get('description') or details.get('text', '')}"
    if method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
        words = [
            str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", [])
        ]
        return f"console.{params['type']}: {' '.join(words)}"
    if method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
        entry = params["entry"]
        return (
            f"{entry.get('source', 'log')}: {entry.get('text', '')} {entry.get('url', '')}".strip()
        )
    return None


def _one_colour(png: Path) -> bool:
    from PIL import Image  # matplotlib's own dependency, in the test extra

    with Image.open(png) as image:
        extrema = image.convert("RGB").getextrema()
    return all(low == high for low, high in extrema)
