"""Streamlit app under load: N concurrent browser users, first render per page visit, errors.

    python benchmarks/bench_app_users.py --scale loaded|demo|N --json OUT [--users 20] [--duration 150] [--reload]

Starts `chainkg app` once on a free loopback port (the graph is the one ``graph.settings`` points
at, as for the other benchmarks) and drives ``--users`` users with Playwright: one headless Debian
Chromium (``/usr/bin/chromium``, never a downloaded browser), one tab and Streamlit session per user
(in one browser context, sharing the app's cached JavaScript; ``--contexts`` for a context each), the
users starting ``--ramp`` seconds apart in all. Each user opens the app once (a full page load:
the browser fetches the app and a session starts), then visits the pages in its own rotation by
clicking their links in the sidebar, as a person does, with a pause between visits, until
``--duration`` seconds have passed; ``--reload`` makes every visit a full load of the page's URL.
The whole run stops at ``--time-limit`` whatever happens, and a visit gives up after
``--visit-timeout`` seconds (twice that for the first load). Only 127.0.0.1 is ever contacted.

A visit's first render is the time from the navigation until Streamlit reports the script run
finished (the ``script_finished`` message on the app's websocket, read with Streamlit's own
protobuf classes: a run ended early for a rerun does not count as finished) and the page's title
is on screen. Errors: an exception element or an error box sent by the page, a visit that did not
finish in time, an HTTP status >= 400 for the page or any of its requests, a page that is not
found. Figures: first-render p50 / p95 of the page visits overall and per page, the first loads
apart (app_load_*), visits, errors (target 0), and CPU seconds per visit of the app server and of
the browser (load-independent costs: the machine is shared, and here the simulated users'
browsers run on the same 2 cores as the app and Neo4j). Results are cached per parameter set in
the app process, so users after the first see a page's queries answered from the cache, as on a
real server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_queries import LOADED, ensure_loaded, scale_arg  # noqa: E402
from benchmarks.common import ROOT, bench_parser, figure, finish_figure, percentile, write_result  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
CONTEXT = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
#: The pages users visit (url paths); the entry page is "overview" at the root.
DEFAULT_PAGES = ["overview", "chain_map", "licensors", "license_paths", "demand_matching", "patent_navigation",
                 "org_profile", "achievements", "patent_history", "workbench"]


# -- the app server ----------------------------------------------------------------------------------
def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(log: Path | None = None, timeout_s: float = 120) -> Iterator[tuple[str, int]]:
    """`chainkg app --headless` on a free loopback port; yields (url, pid) once it answers its health check."""
    port = free_port()
    exe = str(Path(sys.executable).parent / "chainkg")
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen([exe, "app", "--port", str(port), "--address", "127.0.0.1", "--headless"],
                            cwd=ROOT, env=dict(os.environ), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"`chainkg app` exited with {proc.returncode}" + (f"; see {log}" if log else ""))
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the app did not answer at {url} within {timeout_s:.0f}s")
            time.sleep(0.3)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its reaped children (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def descendants_cpu_s(root: int, skip: int | None = None) -> float:
    """CPU seconds (own + reaped children) of every live descendant of process ``root``, leaving out
    the subtree of ``skip``: the browser's processes, under the Playwright driver this script started."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(d.name)] = int(fields[1])
        cpu[int(d.name)] = sum(int(x) for x in fields[11:15]) / tick

    def under(pid: int) -> bool:
        seen = 0
        while pid in parents and seen < 64:
            if pid == skip:
                return False
            pid, seen = parents[pid], seen + 1
            if pid == root:
                return True
        return False

    return sum(c for pid, c in cpu.items() if pid != root and pid != skip and under(pid))


# -- one visit ---------------------------------------------------------------------------------------
@dataclass
class Visit:
    """One page visit by one user: seconds to first render, or what went wrong."""

    user: int
    page: str
    seconds: float | None = None
    errors: list[str] = field(default_factory=list)
    entry: bool = False  # a full page load (the browser fetches and starts the app), not an in-app switch


class RunWatcher:
    """Reads a page's websocket frames with Streamlit's own protobuf classes: when the script run has
    finished, and any exception or error box the page sent."""

    def __init__(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._msg = ForwardMsg
        self.finished = asyncio.Event()
        self.problems: list[str] = []
        self.not_found = False

    def reset(self) -> None:
        self.finished = asyncio.Event()
        self.problems = []
        self.not_found = False

    def on_websocket(self, ws) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        msg = self._msg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - a frame we cannot read is not the page's error
            return
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            if msg.script_finished != self._msg.FINISHED_EARLY_FOR_RERUN:
                if msg.script_finished == self._msg.FINISHED_WITH_COMPILE_ERROR:
                    self.problems.append("script compile error")
                self.finished.set()
        elif kind == "page_not_found":
            self.not_found = True
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            which = el.WhichOneof("type")
            if which == "exception":
                self.problems.append(f"exception: {el.exception.type}: {el.exception.message[:160]}")
            elif which == "alert" and el.alert.format == el.alert.ERROR:
                self.problems.append(f"error box: {el.alert.body[:160]}")


#: Clicks the sidebar's link to a page (url path; the entry page is "/"): Streamlit's own in-app navigation.
_CLICK_NAV = """(p) => {
  const links = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')];
  const a = links.find(x => new URL(x.href).pathname === (p === 'overview' ? '/' : '/' + p));
  if (!a) return false;
  a.click();
  return true;
}"""


async def visit(pg, watcher: RunWatcher, url: str, user: int, page: str, timeout_s: float, *, load: bool) -> Visit:
    """Open ``page`` in ``pg`` and time its first render (see the module docstring): a full page load
    of its URL with ``load``, else a click on its link in the sidebar."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    v = Visit(user, page, entry=load)
    watcher.reset()
    http_errors: list[str] = []

    def on_response(resp) -> None:
        # Streamlit's frontend first probes <page>/_stcore/health and host-config, then the root:
        # those 404s are its normal start-up, not an error.
        if resp.status == 404 and "/_stcore/" in resp.url and not resp.url.startswith(url + "/_stcore/"):
            return
        if resp.status >= 400:
            http_errors.append(f"HTTP {resp.status} {resp.url.split('?')[0][-80:]}")

    pg.on("response", on_response)
    t0 = time.perf_counter()
    try:
        if load:
            resp = await pg.goto(url + ("/" if page == "overview" else f"/{page}"), wait_until="commit",
                                 timeout=timeout_s * 1000)
            if resp is not None and resp.status >= 400:
                http_errors.append(f"HTTP {resp.status} {page}")
        elif not await pg.evaluate(_CLICK_NAV, page):
            v.errors.append(f"no link to {page} in the sidebar")
            return v
        left = max(0.1, timeout_s - (time.perf_counter() - t0))
        await asyncio.wait_for(watcher.finished.wait(), timeout=left)
        left = max(0.1, timeout_s - (time.perf_counter() - t0))
        await pg.wait_for_selector("h1", timeout=left * 1000)
        v.seconds = time.perf_counter() - t0
    except (TimeoutError, PlaywrightTimeout):
        v.errors.append(f"timeout after {timeout_s:.0f}s")
    except Exception as e:  # noqa: BLE001 - a navigation failure is this visit's error, the run goes on
        v.errors.append(f"{type(e).__name__}: {str(e).splitlines()[0][:160]}")
    finally:
        pg.remove_listener("response", on_response)
    if watcher.not_found:
        v.errors.append("page not found")
    v.errors += watcher.problems + http_errors
    return v


async def user_loop(browser, url: str, user: int, pages: list[str], *, start_delay: float, stop_at: float,
                    think_s: float, timeout_s: float, visits: list[Visit], reload: bool = False,
                    shared=None) -> None:
    """One user: its own tab (in the ``shared`` browser context, else its own context; either way its
    own Streamlit session), pages in its own rotation until ``stop_at`` (monotonic).
    The first visit loads the app; the next ones switch pages in the sidebar (every one a full
    load with ``reload``). The first load gets twice the visit timeout: 20 browsers start at once."""
    rng = random.Random(user)
    await asyncio.sleep(start_delay)
    ctx = shared or await browser.new_context(**CONTEXT)
    pg = None
    try:
        pg = await ctx.new_page()
        watcher = RunWatcher()
        pg.on("websocket", watcher.on_websocket)
        order = pages[user % len(pages):] + pages[:user % len(pages)]
        i = 0
        while time.monotonic() + 1 < stop_at:
            page = order[i % len(order)]
            i += 1
            first = i == 1
            budget = min(timeout_s * (2 if first else 1), stop_at - time.monotonic())
            v = await visit(pg, watcher, url, user, page, budget, load=first or reload)
            if first and v.errors:  # the app never came up for this user: nothing to navigate in
                visits.append(v)
                break
            if v.seconds is None and time.monotonic() + 0.5 >= stop_at:
                break  # cut by the end of the run, not the page's fault: not counted
            visits.append(v)
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
    finally:
        if shared is None:
            await ctx.close()
        elif pg is not None:
            await pg.close()


async def drive(url: str, users: int, pages: list[str], *, duration_s: float, time_limit_s: float,
                think_s: float, timeout_s: float, ramp_s: float, app_pid: int | None = None,
                reload: bool = False, contexts: bool = False) -> tuple[list[Visit], float]:
    """All users at once (started ``ramp_s`` apart in total), bounded by ``duration_s`` and ``time_limit_s``.

    By default the users are tabs of one browser context: each tab is its own Streamlit session (a
    session is a websocket, not a cookie), and the tabs share the browser's cache of the app's
    JavaScript, as the tabs of one person's browser do; ``contexts`` gives each user its own context
    (nothing shared: every user's browser fetches and compiles the app itself, ~5x the CPU)."""
    from playwright.async_api import async_playwright

    visits: list[Visit] = []
    t0 = time.monotonic()
    stop_at = t0 + min(duration_s + ramp_s, time_limit_s)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            shared = None if contexts else await browser.new_context(**CONTEXT)
            tasks = [user_loop(browser, url, u, pages, start_delay=ramp_s * u / max(1, users), stop_at=stop_at,
                               think_s=think_s, timeout_s=timeout_s, visits=visits, reload=reload, shared=shared)
                     for u in range(users)]
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=time_limit_s + 30)
        finally:
            browser_cpu = descendants_cpu_s(os.getpid(), skip=app_pid)
            await browser.close()
    return visits, browser_cpu


# -- figures -----------------------------------------------------------------------------------------
def summarise(visits: list[Visit], cpu_s: float | None, users: int, browser_cpu_s: float | None = None) -> tuple[dict, list[str]]:
    """Figures (overall and per page p50 / p95, visits, errors, server CPU per visit) and notes."""
    ok = [v.seconds for v in visits if v.seconds is not None and not v.errors and not v.entry]
    loads = [v.seconds for v in visits if v.seconds is not None and not v.errors and v.entry]
    bad = [v for v in visits if v.errors]
    figures: dict = {
        "users": finish_figure(figure(users, "users", better="higher")),
        "visits": finish_figure(figure(len(visits), "visits", better="higher")),
        "errors": finish_figure(figure(len(bad), "visits", target=0, better="lower",
                                       note="visits with an exception, error box, timeout or HTTP error")),
    }
    if loads:
        figures["app_load_p50_s"] = finish_figure(figure(statistics.median(loads), "s", better="lower",
                                                         note="full page load: the browser fetches the app, a session starts"))
        figures["app_load_p95_s"] = finish_figure(figure(percentile(loads, 95), "s", better="lower",
                                                         note=f"{len(loads)} loads"))
    if ok:
        figures["first_render_p50_s"] = finish_figure(figure(statistics.median(ok), "s", better="lower"))
        figures["first_render_p95_s"] = finish_figure(figure(percentile(ok, 95), "s", better="lower",
                                                             note=f"{users} concurrent users, navigation to finished run"))
        figures["first_render_max_s"] = finish_figure(figure(max(ok), "s", better="lower"))
    if cpu_s is not None and visits:
        figures["server_cpu_s_per_visit"] = finish_figure(figure(cpu_s / len(visits), "s", better="lower",
                                                                 note="`chainkg app` process CPU (user+sys) / visits"))
    if browser_cpu_s is not None and visits:
        figures["browser_cpu_s_per_visit"] = finish_figure(figure(browser_cpu_s / len(visits), "s", better="lower",
                                                                  note="headless Chromium's processes (the simulated users) / visits"))
    for page in dict.fromkeys(v.page for v in visits):
        times = [v.seconds for v in visits if v.page == page and v.seconds is not None and not v.errors and not v.entry]
        if times:
            figures[f"{page}_p50_s"] = finish_figure(figure(statistics.median(times), "s", better="lower"))
            figures[f"{page}_p95_s"] = finish_figure(figure(percentile(times, 95), "s", better="lower",
                                                            note=f"{len(times)} visits"))
    notes = [f"{len(bad)} visit(s) with errors"] + [f"user {v.user} {v.page}: {'; '.join(v.errors)}" for v in bad[:20]]
    return figures, notes


def main() -> None:
    p = bench_parser(__doc__.splitlines()[0])
    for action in p._actions:  # also accept "loaded" (measure what the server holds), as bench_app does
        if action.dest == "scale":
            action.type, action.default = scale_arg, LOADED
    p.add_argument("--users", type=int, default=20, help="concurrent browser users (default 20)")
    p.add_argument("--duration", type=float, default=120, help="seconds each user keeps visiting pages (default 120)")
    p.add_argument("--time-limit", type=float, default=420, help="hard limit for the whole run in seconds (default 420)")
    p.add_argument("--visit-timeout", type=float, default=60, help="seconds before a visit counts as timed out (default 60)")
    p.add_argument("--think", type=float, default=2.0, help="mean pause between a user's visits in seconds (default 2)")
    p.add_argument("--ramp", type=float, default=30.0, help="seconds over which the users start (default 30)")
    p.add_argument("--pages", nargs="*", default=None, help=f"url paths to visit (default: {' '.join(DEFAULT_PAGES)})")
    p.add_argument("--reload", action="store_true",
                   help="every visit a full page load of the page's URL (default: load once, then use the sidebar)")
    p.add_argument("--contexts", action="store_true",
                   help="a browser context per user (default: one context, a tab per user, sharing the app's JavaScript cache)")
    p.add_argument("--log", type=Path, default=None, help="write the app server's output here")
    args = p.parse_args()
    if not 1 <= args.users <= 50:
        p.error("--users must be between 1 and 50 (one Chromium on this machine)")
    if not Path(CHROMIUM).exists():
        p.error(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`); no browser is downloaded")

    from graph.connection import make_driver
    from graph.settings import load_settings

    settings = load_settings()
    driver = make_driver(settings)
    try:
        notes = ensure_loaded(driver, settings.database, args.scale)
    finally:
        driver.close()
    pages = args.pages or [pg for pg in DEFAULT_PAGES if (ROOT / "app" / "views" / f"{pg}.py").is_file()]
    with app_server(args.log) as (url, pid):
        cpu0 = process_cpu_s(pid)
        t0 = time.monotonic()
        visits, browser_cpu = asyncio.run(drive(url, args.users, pages, duration_s=args.duration,
                                                time_limit_s=args.time_limit, think_s=args.think,
                                                timeout_s=args.visit_timeout, ramp_s=args.ramp, app_pid=pid,
                                                reload=args.reload, contexts=args.contexts))
        wall = time.monotonic() - t0
        cpu = process_cpu_s(pid) - cpu0
    figures, more = summarise(visits, cpu, args.users, browser_cpu)
    notes += [f"{args.users} users ({'a browser context each' if args.contexts else 'a tab each in one browser context'}), "
              f"{len(pages)} pages, {'full page loads' if args.reload else 'one load, then sidebar navigation'}, "
              f"{wall:.0f} s wall, think {args.think} s, ramp {args.ramp} s, "
              f"visit timeout {args.visit_timeout} s; CPU: app server {cpu:.1f} s, browser {browser_cpu:.1f} s on "
              f"{os.cpu_count()} cores shared with the users' browsers and Neo4j", *more]
    write_result(args.json, "app_users", args.scale, figures, notes,
                 extra={"load_avg": [round(x, 2) for x in os.getloadavg()]})


if __name__ == "__main__":
    main()
