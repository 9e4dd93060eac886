#!/usr/bin/python3
"""A sign-in flood for flood-bench.sh: waves of N simultaneous sign-ins to
/settings/login, each from its own loopback address (127.1.x.y) for an
account of its own (so no throttle stops it before the password hash),
with the wrong password; a new wave as soon as the last answer of the
previous one is in, until SECONDS have passed.  Standard library only.

usage: flood.py BASE_PORT N SECONDS
prints one line: waves, sign-ins sent, answers by status, the median and
worst time of a checked (401) sign-in."""
import asyncio
import re
import sys
import time

PORT, N, SECS = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])


def src(i):
    return "127.1.%d.%d" % (1 + i // 250, 1 + i % 250)


async def request(i, raw):
    r, w = await asyncio.open_connection("127.0.0.1", PORT, local_addr=(src(i), 0))
    w.write(raw)
    await w.drain()
    data = await r.read()
    w.close()
    return data


async def prepare(i):
    """The pre-session cookie and the form's csrf token for client i."""
    raw = ("GET /settings/login?format=xml HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Connection: close\r\n\r\n").encode()
    data = (await request(i, raw)).decode("utf-8", "replace")
    cookie = re.search(r"Set-Cookie: (gh_pre=[^;]+)", data).group(1)
    csrf = re.search(r'csrf="([0-9a-f]{64})"', data).group(1)
    body = "csrf=%s&email=flood%d%%40flood.test&password=wrong-password" % (csrf, i)
    return ("POST /settings/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nCookie: %s\r\n"
            "Content-Length: %d\r\n\r\n%s" % (cookie, len(body), body)).encode()


async def one(i, raw, counts, checked):
    t0 = time.monotonic()
    try:
        data = await request(i, raw)
        status = int(data[9:12])
    except (OSError, ValueError):
        status = 0
    counts[status] = counts.get(status, 0) + 1
    if status == 401:
        checked.append(time.monotonic() - t0)


async def main():
    raws = await asyncio.gather(*(prepare(i) for i in range(N)))
    counts, checked, waves = {}, [], 0
    end = time.monotonic() + SECS
    while time.monotonic() < end:
        await asyncio.gather(*(one(i, raws[i], counts, checked) for i in range(N)))
        waves += 1
    checked.sort()
    med = checked[len(checked) // 2] * 1000 if checked else 0
    worst = checked[-1] * 1000 if checked else 0
    print("waves=%d sent=%d %s checked_median_ms=%.0f checked_worst_ms=%.0f" % (
        waves, sum(counts.values()),
        " ".join("status_%d=%d" % kv for kv in sorted(counts.items())), med, worst))


asyncio.run(main())
