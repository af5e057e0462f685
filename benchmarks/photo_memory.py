"""Server memory under the worst photo uploads, and the cost of a huge unauthenticated body.

    .venv/bin/python benchmarks/photo_memory.py [--uploads 8] [--only png-rgba,...]
        [--src OTHER_CHECKOUT/src] [--tag before] [--no-big-post]

For each image kind a fresh `gigcity serve --demo` (one worker, a temporary SQLite
database and data directory, photo rate limit off) is started on 127.0.0.1 at a free port;
the demo rider signs in and uploads one small photo (warm-up), the peak RSS is reset
(/proc/PID/clear_refs), then `--uploads` uploads of the same worst-case image start at
once, each on its own connection. Reported per kind: the answers, the slowest answer, the
server's RSS before, its peak during (VmHWM) and its RSS two seconds after (VmRSS).

The images are the worst the configured limits allow (`report_photo_max_pixels`,
`report_photo_max_bytes`, 4:3 at the pixel limit):
  png-rgba          flat RGBA PNG (a few hundred KB; decodes to 4 bytes a pixel)
  png-1bit          1-bit PNG of zeros (a few KB: the classic decompression bomb)
  webp-flat         lossless flat WebP (at a third of the pixel limit: WebP's own limit)
  jpeg-max-bytes    baseline 4:2:0 JPEG with noise, just under the byte limit (a phone's)
  jpeg-prog-444     progressive 4:4:4 JPEG with noise, just under the byte limit (libjpeg
                    keeps every DCT coefficient of a progressive file: 6 bytes a pixel)
  png-49mp-1bit     the issue's 7000x7000 1-bit PNG (under the old 50 MP limit)

Then (unless --no-big-post) a fresh server gets `POST /api/places` with a 200 MB JSON body
and no credentials, alone and four at once, and the same with `Transfer-Encoding:
chunked` (also as the admin, who passes the caller check): time to the answer and RSS
growth.

`--src` runs the server from another checkout's src/ (e.g. a `git worktree` of the commit
before a change) with the same images, for before/after figures. Writes
benchmarks/results/photo_memory[_TAG].json.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform as py_platform
import re
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from struct import pack
from typing import Any

import httpx
import numpy as np
from PIL import Image, ImageFile

from gigcity.config import Settings
from gigcity.services.demo import DEMO_PASSWORD
from gigcity.services.reports.photos import WEBP_SHARE

RESULTS = Path(__file__).parent / "results"
MB = 1 << 20


# ---- images -------------------------------------------------------------------------


def dims(max_pixels: int) -> tuple[int, int]:
    """The largest 4:3 frame within the pixel limit."""
    width = math.isqrt(max_pixels * 4 // 3)
    height = width * 3 // 4
    while width * height > max_pixels:
        width -= 1
        height = width * 3 // 4
    return width, height


def _chunk(kind: bytes, data: bytes) -> bytes:
    return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_rows(width: int, height: int, bit_depth: int, colour: int, row: bytes) -> bytes:
    """A PNG whose every row is `row` (filter byte included): any size, a few KB."""
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def png_rgba(width: int, height: int) -> bytes:
    return png_rows(width, height, 8, 6, b"\x00" + bytes([200, 40, 40, 128]) * width)


def png_1bit(width: int, height: int) -> bytes:
    return png_rows(width, height, 1, 0, b"\x00" * (1 + (width + 7) // 8))


def webp_flat(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 140, 60)).save(out, "WEBP", lossless=True)
    return out.getvalue()


def _noisy(width: int, height: int, amplitude: float) -> Image.Image:
    rng = np.random.default_rng(7)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None, None]
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :, None]
    base = np.concatenate([np.broadcast_to(y, (height, width, 1)), np.broadcast_to(x, (height, width, 1)), np.full((height, width, 1), 128, np.float32)], axis=2)  # fmt: skip
    noise = rng.normal(0, amplitude, (height, width, 3)).astype(np.float32)
    return Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8), "RGB")


def jpeg_near(width: int, height: int, max_bytes: int, **options: Any) -> bytes:
    """A JPEG of noise as close under `max_bytes` as a search of the noise finds."""
    low, high, best = 0.0, 64.0, b""
    # A progressive file is written in one piece: Pillow's buffer must hold all of it.
    ImageFile.MAXBLOCK = max(ImageFile.MAXBLOCK, 4 * width * height)
    for _ in range(9):
        amplitude = (low + high) / 2
        out = io.BytesIO()
        _noisy(width, height, amplitude).save(out, "JPEG", quality=92, **options)
        if out.tell() <= max_bytes - 64 * 1024:  # room for the multipart envelope
            low, best = amplitude, out.getvalue()
        else:
            high = amplitude
    if not best:
        raise SystemExit(f"no JPEG of {width}x{height} fits in {max_bytes} bytes")
    return best


def images(settings: Settings) -> dict[str, Callable[[], bytes]]:
    width, height = dims(settings.report_photo_max_pixels)
    max_bytes = settings.report_photo_max_bytes
    return {
        "png-rgba": lambda: png_rgba(width, height),
        "png-1bit": lambda: png_1bit(width, height),
        "webp-flat": lambda: webp_flat(*dims(settings.report_photo_max_pixels // WEBP_SHARE)),
        "jpeg-max-bytes": lambda: jpeg_near(width, height, max_bytes, subsampling=2),
        "jpeg-prog-444": lambda: jpeg_near(
            width, height, max_bytes, subsampling=0, progressive=True
        ),
        "png-49mp-1bit": lambda: png_1bit(7000, 7000),
    }


# ---- the server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: round(int(re.search(rf"{key}:\s+(\d+) kB", status)[1]) / 1024, 1)  # type: ignore[index]
        for key in ("VmRSS", "VmHWM")
    }


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux 4.0+)


@contextmanager
def server(src: str | None, extra_env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """`gigcity serve --demo` on a free port; its base URL and pid."""
    with tempfile.TemporaryDirectory(prefix="gigcity-photo-bench-") as tmp:
        port = free_port()
        env = {
            **os.environ,
            "GIGCITY_MODE": "demo",
            "GIGCITY_DATABASE_URL": f"sqlite:///{tmp}/gigcity.db",
            "GIGCITY_DATA_DIR": f"{tmp}/var",
            "GIGCITY_REPORT_PHOTO_RATE_ACCOUNT_PER_HOUR": "0",
        }
        if src:
            env["PYTHONPATH"] = src
        env.update(extra_env)
        log = open(f"{tmp}/server.log", "wb")  # noqa: SIM115 (closed below)
        proc = subprocess.Popen(
            [sys.executable, "-m", "gigcity", "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if proc.poll() is not None:
                    log.close()
                    raise SystemExit(Path(f"{tmp}/server.log").read_text()[-3000:])
                try:
                    if httpx.get(f"{base}/api/reports/categories", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start within 120 s")
                time.sleep(0.3)
            yield base, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def sign_in(base: str, username: str = "rider") -> dict[str, str]:
    r = httpx.post(f"{base}/api/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def upload(base: str, who: dict[str, str], data: bytes) -> tuple[int, float, str]:
    started = time.perf_counter()
    r = httpx.post(
        f"{base}/api/reports/photos",
        headers=who,
        files={"file": ("photo", data, "application/octet-stream")},
        timeout=300,
    )
    detail = "" if r.status_code == 201 else r.text[:160]
    return r.status_code, time.perf_counter() - started, detail


def small_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def burst(base: str, pid: int, data: bytes, uploads: int) -> dict[str, Any]:
    who = sign_in(base)
    assert upload(base, who, small_photo())[0] == 201  # warm-up: imports, first decode
    time.sleep(0.5)
    before = memory(pid)["VmRSS"]
    reset_peak(pid)
    gate = threading.Barrier(uploads)
    answers: list[tuple[int, float, str]] = []

    def one() -> None:
        gate.wait()
        answers.append(upload(base, who, data))

    threads = [threading.Thread(target=one) for _ in range(uploads)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    peak = memory(pid)["VmHWM"]
    time.sleep(2)
    after = memory(pid)["VmRSS"]
    codes: dict[str, int] = {}
    for code, _, _ in answers:
        codes[str(code)] = codes.get(str(code), 0) + 1
    return {
        "answers": codes,
        "first_refusal": next((d for c, _, d in answers if c != 201), ""),
        "slowest_s": round(max(s for _, s, _ in answers), 2),
        "wall_s": round(wall, 2),
        "rss_before_mb": before,
        "peak_mb": peak,
        "rss_after_mb": after,
    }


# ---- a huge body without credentials ------------------------------------------------


def big_post(base: str, size: int, chunked: bool, auth: str = "") -> tuple[int, float]:
    """POST /api/places with `size` bytes of JSON (no credentials unless `auth`, a header
    line), sent as fast as the socket takes it; the status and the seconds until the
    answer's first byte."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    sock.sendall(
        f"POST /api/places HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"{auth}{length}\r\n\r\n".encode()
    )
    piece = b'[{"name": "' + b"x" * (MB - 16) + b'"}, '
    started = time.perf_counter()
    sent, pending, writing, answer = 0, b"", True, b""
    sock.setblocking(False)
    while True:
        writing = writing and (sent < size or bool(pending))
        readable, writable, _ = select.select([sock], [sock] if writing else [], [], 60)
        if readable:
            with suppress(ConnectionResetError):
                answer = sock.recv(4096)
            break
        if not writable:
            break  # 60 s without an answer
        if not pending:
            body = piece[: size - sent]
            sent += len(body)
            pending = b"%x\r\n%s\r\n" % (len(body), body) if chunked else body
            if chunked and sent >= size:
                pending += b"0\r\n\r\n"
        try:
            pending = pending[sock.send(pending) :]
        except BlockingIOError:
            pass
        except (BrokenPipeError, ConnectionResetError):
            writing = False  # the server stopped reading: look for its answer
    elapsed = time.perf_counter() - started
    sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, elapsed


def big_posts(base: str, pid: int, size: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    admin = f"Authorization: {sign_in(base, 'admin')['Authorization']}\r\n"
    for label, count, chunked, auth in (
        ("one", 1, False, ""),
        ("four_at_once", 4, False, ""),
        ("one_chunked", 1, True, ""),
        ("admin_chunked", 1, True, admin),  # passes the caller check: cut off at 64 KB
    ):
        time.sleep(0.5)
        before = memory(pid)["VmRSS"]
        reset_peak(pid)
        results: list[tuple[int, float]] = []

        def send(
            chunked: bool = chunked, auth: str = auth, results: list[tuple[int, float]] = results
        ) -> None:
            results.append(big_post(base, size, chunked, auth))

        threads = [threading.Thread(target=send) for _ in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        peak = memory(pid)["VmHWM"]
        out[label] = {
            "statuses": sorted(s for s, _ in results),
            "slowest_answer_s": round(max(e for _, e in results), 3),
            "rss_before_mb": before,
            "peak_growth_mb": round(peak - before, 1),
        }
    return out


# ---- main ---------------------------------------------------------------------------


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=8)
    parser.add_argument("--only", default="", help="comma-separated image kinds")
    parser.add_argument("--src", default=None, help="run the server from this src/ directory")
    parser.add_argument("--tag", default="", help="suffix of the results file")
    parser.add_argument("--no-big-post", action="store_true")
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument(
        "--server-env", action="append", default=[], help="KEY=VALUE for the server"
    )
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.server_env)

    settings = Settings(mode="demo")
    makers = images(settings)
    kinds = [k for k in args.only.split(",") if k] or list(makers)
    record: dict[str, Any] = {
        "limits": {
            "max_pixels": settings.report_photo_max_pixels,
            "max_bytes": settings.report_photo_max_bytes,
            "max_side": settings.report_photo_max_side,
            "frame": "x".join(map(str, dims(settings.report_photo_max_pixels))),
        },
        "server_src": args.src or "this checkout",
        "server_env": extra_env,
        "uploads_at_once": args.uploads,
        "machine": {
            "cpu": f"{py_platform.machine()}, {os.cpu_count()} cores",
            "python": py_platform.python_version(),
            "load_average_1_5_15_at_start": load(),
            "note": "shared machine: other work was running during the measurement",
        },
        "uploads": {},
    }
    print(f"limits {record['limits']}; load {load()}")
    header = f"{'image':<16}{'bytes':>11}  {'answers':<22}{'slowest':>8}{'before':>8}{'peak':>8}{'after':>8}  MB"
    print(header)
    for kind in kinds:
        data = makers[kind]()
        with server(args.src, extra_env) as (base, pid):
            result = burst(base, pid, data, args.uploads)
        result["bytes"] = len(data)
        record["uploads"][kind] = result
        answers = " ".join(f"{n}x{c}" for c, n in sorted(result["answers"].items()))
        print(
            f"{kind:<16}{len(data):>11}  {answers:<22}{result['slowest_s']:>7}s"
            f"{result['rss_before_mb']:>8}{result['peak_mb']:>8}{result['rss_after_mb']:>8}"
        )
        if result["first_refusal"]:
            print(f"{'':<16}first refusal: {result['first_refusal']}")
    if not args.no_big_post:
        with server(args.src, extra_env) as (base, pid):
            record["big_unauthenticated_post"] = {
                "size_mb": args.big_mb,
                **big_posts(base, pid, args.big_mb * MB),
            }
        print(f"\nPOST /api/places, {args.big_mb} MB, no credentials (but admin_chunked)")
        for label, r in record["big_unauthenticated_post"].items():
            if isinstance(r, dict):
                print(
                    f"  {label:<14} {r['statuses']}  answer after {r['slowest_answer_s']} s, "
                    f"RSS {r['rss_before_mb']} MB + {r['peak_growth_mb']} MB at peak"
                )
    record["machine"]["load_average_1_5_15_at_end"] = load()
    print(f"load {load()}")
    RESULTS.mkdir(exist_ok=True)
    name = f"photo_memory{'_' + args.tag if args.tag else ''}.json"
    (RESULTS / name).write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {RESULTS / name}")


if __name__ == "__main__":
    main()
