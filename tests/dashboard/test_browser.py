"""End to end: the dashboard in a real headless browser (Chromium from the distribution,
driven by Playwright), served by ``izsim dashboard`` as a workshop starts it.

It checks that no request leaves this machine, changes a lever, runs twelve months, sees the
charts, scorecard and month move, switches the language, opens a saved comparison and saves
screenshots (``DASHBOARD_SCREENSHOTS``, default a temporary folder). Without Chromium it is
skipped on a developer's machine, but fails in CI (``CI`` set), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # without these Chromium calls Google's services (and is refused here)
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 60_000


def _need_browser() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install chromium; `dev.py test` does, as root)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser test: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    port = _free_port()
    izsim = Path(sys.executable).with_name("izsim")
    command = [str(izsim), "dashboard", "scenarios/tuyen_quang.yaml", "--port", str(port)]
    # the server's output goes to a file: a pipe nobody reads would block it once full
    log = tmp_path_factory.mktemp("server") / "dashboard.log"
    output = log.open("w", encoding="utf-8")
    process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(address, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output.flush()
                    pytest.fail(f"izsim dashboard did not start:\n{log.read_text()}")
                time.sleep(0.3)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("compare") / "tq"
    izsim = Path(sys.executable).with_name("izsim")
    subprocess.run(
        [
            str(izsim),
            "compare",
            "scenarios/tuyen_quang.yaml",
            "--policies",
            "baseline,infrastructure_first",
            "--replicates",
            "3",
            "--seed",
            "1",
            "--workers",
            "1",
            "--out",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DASHBOARD_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
def test_workshop_in_a_browser(server: str, comparison: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = _shots(tmp_path)
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS,  # (Playwright gives each launch a fresh, temporary profile)
        )
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.on("request", lambda request: requests.append(request.url))
            page.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            page.goto(server)
            title = page.locator(".izs-title")
            expect(title).to_contain_text("Tuyên Quang")
            expect(title).to_contain_text("khu, cụm công nghiệp")  # Vietnamese first
            month = page.locator(".izs-month-now")
            expect(month).to_contain_text("Chưa chạy")
            charts = page.locator(".izs-charts")
            expect(charts).to_be_visible()
            before = charts.get_attribute("src")

            # a lever: the wastewater plant before any tenant
            page.get_by_text("Xử lý nước thải trước khi thu hút nhà đầu tư", exact=True).click()
            log = page.locator(".izs-log")
            expect(log).to_contain_text("Xử lý nước thải trước khi thu hút nhà đầu tư: tắt → bật")

            card = page.locator(".izs-scorecard-box")
            card_before = card.inner_text()
            page.locator(".izs-year").click()  # twelve months
            expect(month).to_contain_text("12/120")
            expect(month).to_contain_text("2021-12")
            expect(charts).not_to_have_attribute("src", before or "")
            expect(card).not_to_have_text(card_before)
            expect(page.get_by_text("Đánh giá so với quy hoạch tại 2021-12")).to_be_visible()
            expect(page.locator(".izs-score").first).to_be_visible()
            expect(page.locator(".izs-zone").first).to_be_visible()
            page.screenshot(path=str(shots / "dashboard.vi.png"), full_page=True)

            # a lever mid-run: recorded from the next month
            page.get_by_text("Thu hồi dự án chậm triển khai", exact=True).click()
            expect(log).to_contain_text(
                "2022-02: đổi đòn bẩy – Thu hồi dự án chậm triển khai: tắt → bật"
            )

            page.locator(".izs-lang").click()
            expect(title).to_contain_text("industrial zones of Tuyên Quang")
            expect(month).to_contain_text("Simulated to 2021-12")
            expect(log).to_contain_text("Revoke stalled projects: off → on")
            # a set-up lever is locked once the run has started
            expect(page.get_by_text("(reset to change)")).to_have_count(4)
            expect(card).to_contain_text("Target")
            expect(page.get_by_text("Scorecard against the plan at 2021-12")).to_be_visible()
            page.screenshot(path=str(shots / "dashboard.en.png"), full_page=True)

            folder = page.locator(".izs-folder input")
            folder.fill(str(comparison / "missing"))
            folder.press("Enter")
            expect(page.locator(".izs-error")).to_contain_text("is not a folder of izsim results")
            folder.fill(str(comparison))
            folder.press("Enter")
            # the levers changed above: the live run is not among the saved ones, and says so
            expect(page.locator(".izs-among")).to_contain_text("levers changed in the room")
            expect(page.locator(".izs-saved-figure").first).to_be_visible()
            # the page scrolls inside Solara's layout: bring the saved evidence into view
            page.locator(".izs-among").scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "dashboard.compare.en.png"))

            # run plays month after month until paused
            run_button = page.locator(".izs-run")
            run_button.click()
            expect(month).not_to_contain_text("(12 of 120 months)")
            expect(run_button).to_contain_text("Pause")
            run_button.click()
            expect(run_button).to_contain_text("Run")
            paused = month.inner_text()
            page.wait_for_timeout(1500)  # over three months' worth of play
            expect(month).to_have_text(paused)
        except Exception:
            page.screenshot(path=str(shots / "failed.png"), full_page=True)
            raise
        finally:
            browser.close()

    outside = sorted(
        {
            u
            for u in requests
            if urlparse(u).scheme in ("http", "https", "ws", "wss")
            and urlparse(u).hostname not in LOCAL_HOSTS
        }
    )
    assert requests, "the page made no request at all"
    assert outside == [], f"the page asked beyond this machine: {outside}"


def test_without_chromium_ci_fails_and_a_developer_skips(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(f"{__name__}.CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser test"):
        _need_browser()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        _need_browser()
