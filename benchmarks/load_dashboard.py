"""Load on one dashboard server: many sessions changing answers at once (websocket clients).

Run: ``.venv/bin/python benchmarks/load_dashboard.py [--sessions 1 20 50] [--seconds 30]``

Starts ``streamlit run dashboard/app.py`` on 127.0.0.1 (a free port), then for each session
count opens that many websocket sessions speaking Streamlit's own protocol (the messages a
browser tab sends). Each session opens "Your situation", then changes one answer every
``--interval`` seconds (2 s by default), walking through a realistic sequence from its own
starting point, so sessions overlap in some answer sets and not in others. For every change
it times how long the server takes to send the updated headline number. Bounded: at most
``--seconds`` per session count, and each wait at most 30 s. Printed per session count:

    sessions=20 changes=300 p50=0.061s p95=0.140s max=0.310s errors=0 rss_mb=310

plus the server's resident memory before and after. No assertion: this is a measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from alsodds import load_model
from alsodds.dashboard.views.situation import RESULT_LABEL
from alsodds.dashboard.words import plain, state_words

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
WAIT = 30.0

#: A person answering one question after another and changing their mind now and then.
SEQUENCE: list[tuple[str, str]] = [
    ("fasciculations", "yes"),
    ("sex", "female"),
    ("stress", "yes"),
    ("caffeine", "yes"),
    ("twitch_spread", "one_area"),
    ("weakness", "no"),
    ("cramps", "not_sure"),
    ("trigger_response", "improved"),
    ("weakness", "not_sure"),
    ("stress", "no"),
    ("twitch_spread", "several_areas"),
    ("weakness", "yes"),
    ("age_band", "45_54"),
    ("caffeine", "no"),
    ("weakness", "no"),
    ("cramps", "yes"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB), from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


@dataclass
class Client:
    """One browser-like session: its widget ids and the answers it has given."""

    url: str
    start: int
    labels: dict[str, str]
    widgets: dict[str, str] = field(default_factory=dict)  # node -> widget id
    answers: dict[str, str] = field(default_factory=dict)
    headline: str = ""
    last_run: float = 0.0
    page_hash: str = ""
    latencies: list[float] = field(default_factory=list)
    runs: list[float] = field(default_factory=list)
    errors: int = 0

    def states(self) -> BackMsg:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_script_hash = self.page_hash
        for node, wid in self.widgets.items():
            state = msg.rerun_script.widget_states.widgets.add()
            state.CopyFrom(
                WidgetState(id=wid, string_value=state_words(self.answers.get(node, "")))
            )
        return msg

    def read(self, raw: bytes) -> tuple[str | None, bool]:
        """Note widget ids; return (headline if sent, whether the run finished)."""
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        kind = fwd.WhichOneof("type")
        if kind == "script_finished":
            return None, True
        if kind == "new_session" and fwd.new_session.page_script_hash:
            self.page_hash = fwd.new_session.page_script_hash
        if kind != "delta" or fwd.delta.WhichOneof("type") != "new_element":
            return None, False
        el = fwd.delta.new_element
        which = el.WhichOneof("type")
        if which == "radio" and el.radio.label in self.labels:
            self.widgets[self.labels[el.radio.label]] = el.radio.id
        if which == "metric" and el.metric.label.startswith(RESULT_LABEL):
            return f"{el.metric.label} {el.metric.body}", False
        return None, False

    async def run_once(self, ws: websockets.ClientConnection, msg: BackMsg) -> float | None:
        """Send one rerun; time until the headline for the new answers arrives."""
        began = time.perf_counter()
        await ws.send(msg.SerializeToString())
        seen: float | None = None
        while True:
            raw = await asyncio.wait_for(ws.recv(), WAIT)
            if not isinstance(raw, bytes):
                continue
            headline, finished = self.read(raw)
            if headline is not None and seen is None:
                seen = time.perf_counter() - began
                self.headline = headline
            if finished:
                self.last_run = time.perf_counter() - began
                return seen

    async def session(self, deadline: float, interval: float) -> None:
        ws_url = self.url.replace("http", "ws") + "/_stcore/stream"
        async with websockets.connect(
            ws_url, subprotocols=[websockets.Subprotocol("streamlit")], max_size=None
        ) as ws:
            first = BackMsg()
            first.rerun_script.query_string = "age_band=30_44"
            self.answers = {"age_band": "30_44"}
            await self.run_once(ws, first)
            step = self.start
            while time.monotonic() + interval < deadline:
                await asyncio.sleep(interval)
                node, state = SEQUENCE[step % len(SEQUENCE)]
                step += 1
                self.answers[node] = state
                try:
                    took = await self.run_once(ws, self.states())
                except (TimeoutError, websockets.ConnectionClosed):
                    self.errors += 1
                    continue
                if took is not None:
                    self.latencies.append(took)
                    self.runs.append(self.last_run)


async def load(url: str, n: int, seconds: float, interval: float) -> list[Client]:
    model = load_model()
    labels = {
        plain(model.spec.nodes[node].question or model.spec.nodes[node].label): node
        for node in model.spec.answerable
    }
    clients = [Client(url, start=i * 3, labels=labels) for i in range(n)]
    deadline = time.monotonic() + seconds
    # stagger the sessions over one interval, as people do not click in step
    tasks = []
    for i, c in enumerate(clients):
        await asyncio.sleep(interval / max(n, 1) if i else 0)
        tasks.append(asyncio.create_task(c.session(deadline, interval)))
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for c, r in zip(clients, results, strict=True):
        if isinstance(r, BaseException):
            c.errors += 1
    return clients


def quantile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 20, 50])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=2.0)
    args = parser.parse_args()
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.25)
        # one warm-up session: imports and model compilation are not counted
        asyncio.run(load(url, 1, 3 * args.interval, args.interval))
        print(f"server rss after warm-up: {rss_mb(proc.pid):.0f} MB")
        for n in args.sessions:
            clients = asyncio.run(load(url, n, args.seconds, args.interval))
            lat = [x for c in clients for x in c.latencies]
            errors = sum(c.errors for c in clients)
            runs = [x for c in clients for x in c.runs]
            print(
                f"sessions={n} changes={len(lat)} p50={statistics.median(lat) if lat else float('nan'):.3f}s "
                f"p95={quantile(lat, 0.95):.3f}s max={max(lat, default=float('nan')):.3f}s "
                f"whole-rerun p50={statistics.median(runs) if runs else float('nan'):.3f}s "
                f"errors={errors} rss_mb={rss_mb(proc.pid):.0f}"
            )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
