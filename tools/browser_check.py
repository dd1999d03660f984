"""Check the report the way a journalist meets it: reports/index.html in a real browser, offline.

Opens reports/index.html from disk in headless Chromium driven by Playwright with every
non-file request aborted (the page must need no network), finds the bottom line and its
quotable sentence (a chance in numbers, as of a date), moves the static what-if's pressure
slider with the keyboard, checks that the shown probability changes to the precomputed grid's
value at the sliders' new settings, and saves two screenshots of a laptop's screen under
reports/browser-check/: the page's first screen and the method section's. Any request the
page tries to make to the network fails the check.

With ``--lab`` it checks notebook 04's live what-if instead: JupyterLab on 127.0.0.1 with a
random token, serving a throwaway copy of the notebooks (JupyterLab autosaves, and the
committed notebooks must stay untouched), runs all cells and moves the first slider.

Run it with `make browser-check` (which installs Debian's chromium and the `browser` extra;
build the report first). Exit code 0 when the check passes, 1 when it fails (the message says
at which step).
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

try:
    from playwright.sync_api import Page, sync_playwright
except ModuleNotFoundError as missing:  # the `browser` extra is not part of `make install`
    sys.exit(
        f"browser check: {missing.name} is not installed; run `make browser-check`, which "
        "installs it, or: .venv/bin/python -m pip install -c constraints.txt -e '.[browser]'"
    )

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying to reach the internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROBABILITY = ".whatif-probability"
SLIDER_HANDLE = ".widget-slider .noUi-handle"
STARTUP_SECONDS = 90
RUN_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer at {url} within {seconds:.0f} s")


def start_lab(root: Path, port: int, token: str, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        "--LabApp.news_url=",
        "--ServerApp.disable_check_xsrf=False",
    ]
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)


def shown_probability(page: Page) -> str:
    return page.locator(PROBABILITY).last.inner_text().strip()


def wait_until_idle(page: Page, seconds: float) -> None:
    """Wait until the kernel has been idle for a second in a row (all queued cells ran)."""
    indicator = page.locator(".jp-Notebook-ExecutionIndicator")
    deadline = time.monotonic() + seconds
    idle_since = None
    while time.monotonic() < deadline:
        if indicator.first.get_attribute("data-status") == "idle":
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= 1.0:
                return
        else:
            idle_since = None
        time.sleep(0.2)
    raise RuntimeError(f"the kernel was still busy after {seconds:.0f} s")


def run_check(page: Page, url: str, screenshot: Path) -> tuple[str, str]:
    """Open the notebook, run all cells, move a slider; returns the text before and after."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=STARTUP_SECONDS * 1000)
    wait_until_idle(page, STARTUP_SECONDS)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    # JupyterLab skips rendering cells out of view, so wait for the element to exist, not show.
    page.wait_for_selector(PROBABILITY, state="attached", timeout=RUN_SECONDS * 1000)
    wait_until_idle(page, RUN_SECONDS)
    news = page.get_by_role("button", name="No", exact=True)
    if news.count():
        news.first.click()  # the "official Jupyter news?" prompt would cover the output
    probability = page.locator(PROBABILITY).last
    probability.scroll_into_view_if_needed()
    before = shown_probability(page)
    handle = page.locator(SLIDER_HANDLE).first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(10):
        handle.press("ArrowRight")
    deadline = time.monotonic() + 30
    after = shown_probability(page)
    while after == before and time.monotonic() < deadline:
        time.sleep(0.25)
        after = shown_probability(page)
    wait_until_idle(page, 60)  # the waterfall is redrawn after the readout changes
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.locator(".whatif-waterfall").last.scroll_into_view_if_needed()
    handle.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot))
    return before, after


# The static what-if on the index page (see analysis.index_page.render_whatif).
BOTTOM_LINE = "#bottom-line"
QUOTABLE = "#quotable"
METHOD = "#method"
SCREEN = {"width": 1280, "height": 800}  # a laptop's first screen
STATIC_PROBABILITY = "#whatif-probability"
STATIC_SLIDERS = ("#whatif-pressure", "#whatif-tension", "#whatif-w_pressure", "#whatif-w_tension")
GRID_VALUE = """() => {
  const grid = JSON.parse(document.getElementById("whatif-data").textContent);
  const at = ["pressure", "tension", "w_pressure", "w_tension"].map(
    (name) => Number(document.getElementById("whatif-" + name).value));
  return (grid.percent_release[at[0]][at[1]][at[2]][at[3]] / 100).toFixed(2);
}"""


def offline_only(blocked: list[str]):
    """A Playwright route handler: file URLs load, anything else is aborted and recorded."""

    def handle(route) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    return handle


def check_quotable(page: Page) -> str:
    """The bottom line's quotable sentence, checked to be on the first screen and to state a
    chance in numbers, as of a date; returns it."""
    page.locator(BOTTOM_LINE).wait_for(state="visible", timeout=10_000)
    quotable = page.locator(QUOTABLE)
    sentence = " ".join(quotable.inner_text().split())
    if not sentence.startswith("As of ") or "chance" not in sentence or "%" not in sentence:
        raise RuntimeError(f"the bottom line has no quotable sentence (got {sentence!r})")
    box = quotable.bounding_box()
    if box is None or box["y"] + box["height"] > SCREEN["height"]:
        raise RuntimeError("the quotable sentence is not on the first screen")
    return sentence


def check_index(
    page: Page, index: Path, screenshot: Path, method_screenshot: Path
) -> tuple[str, str, str, str]:
    """Open the index page, find the quotable sentence, screenshot the first screen and the
    method section, move the pressure slider to its far end (or the tension slider when that
    changes nothing); returns the sentence, the probability shown before, after, and the
    grid's value at the new settings."""
    page.goto(index.as_uri())
    sentence = check_quotable(page)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot))
    page.locator(METHOD).evaluate("element => element.scrollIntoView()")
    method_screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(method_screenshot))
    shown = page.locator(STATIC_PROBABILITY)
    before = shown.inner_text().strip()
    after = expected = before
    for selector, key in (
        (STATIC_SLIDERS[0], "End"),
        (STATIC_SLIDERS[1], "End"),
        (STATIC_SLIDERS[0], "Home"),
    ):
        slider = page.locator(selector)
        slider.scroll_into_view_if_needed()
        slider.focus()
        slider.press(key)
        after, expected = shown.inner_text().strip(), page.evaluate(GRID_VALUE)
        if after != before:
            break
    return sentence, before, after, expected


def main_static(index: Path, screenshot: Path, method_screenshot: Path) -> int:
    if not index.is_file():
        print(f"browser check failed: {index} not found (run `make report` first)", file=sys.stderr)
        return 1
    blocked: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=SCREEN)
            context.route("**/*", offline_only(blocked))
            sentence, before, after, expected = check_index(
                context.new_page(), index, screenshot, method_screenshot
            )
        except Exception as error:  # report any failure as one line
            print(f"browser check failed: {error}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    print(f"browser check: the quotable sentence: {sentence}")
    print(
        f"browser check: P(release) shown {before!r} -> after moving a slider {after!r} "
        f"(grid: {expected!r})"
    )
    if blocked:
        print(f"browser check failed: the page asked the network for {blocked}", file=sys.stderr)
        return 1
    if not before or after == before or after != expected:
        print(
            "browser check failed: the shown probability did not change to the grid's value",
            file=sys.stderr,
        )
        return 1
    print(f"browser check passed, offline; screenshots: {screenshot}, {method_screenshot}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lab", action="store_true", help="check notebook 04's live what-if in JupyterLab"
    )
    parser.add_argument("--notebook", default="04_scenarios.ipynb", help="notebook, with --lab")
    parser.add_argument(
        "--index",
        type=Path,
        default=PROJECT_ROOT / "reports" / "index.html",
        help="the page to check (default: reports/index.html)",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        help="where to save the screenshot (default: reports/browser-check/index.png, or "
        "whatif.png with --lab)",
    )
    parser.add_argument(
        "--method-screenshot",
        type=Path,
        help="where to save the method section's screenshot (default: "
        "reports/browser-check/method.png)",
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"browser check: {CHROMIUM} not found (apt-get install chromium)", file=sys.stderr)
        return 1
    folder = PROJECT_ROOT / "reports" / "browser-check"
    if not args.lab:
        return main_static(
            args.index.resolve(),
            args.screenshot or folder / "index.png",
            args.method_screenshot or folder / "method.png",
        )
    args.screenshot = args.screenshot or folder / "whatif.png"
    port, token = free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="browser-check-") as folder:
        root = Path(folder) / "notebooks"
        shutil.copytree(PROJECT_ROOT / "notebooks", root)
        log = Path(folder) / "jupyterlab.log"
        lab = start_lab(root, port, token, log)
        try:
            print(f"browser check: JupyterLab on 127.0.0.1:{port}", flush=True)
            wait_for_server(f"http://127.0.0.1:{port}/api/status?token={token}", STARTUP_SECONDS)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                url = f"http://127.0.0.1:{port}/lab/tree/{args.notebook}?token={token}"
                try:
                    before, after = run_check(page, url, args.screenshot)
                finally:
                    browser.close()
        except Exception as error:  # report any failure as one line, with the server's log
            print(f"browser check failed: {error}", file=sys.stderr)
            print(log.read_text(encoding="utf-8")[-3000:], file=sys.stderr)
            return 1
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    print(f"browser check: probability shown {before!r} -> after moving a slider {after!r}")
    if before == after or not before:
        print("browser check failed: the shown probability did not change", file=sys.stderr)
        return 1
    print(f"browser check passed; screenshot: {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
