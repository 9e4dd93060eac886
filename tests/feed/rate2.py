#!/usr/bin/env python3
# One rate limit for every responder process (issue 14): a second
# gatehouse-feed process started beside the stack's, on a socket of its own,
# spoken to over FastCGI directly (a minimal client below), while the first
# answers through nginx.  A key with a burst of 6 at 1 request a second gets
# 6 answers in all, taken alternately from both processes, then 429 with
# Retry-After from either: neither process has a budget of its own.  TAP.
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack  # noqa: E402  (the tests' shared set-up)

BUILD, STATE = stack.BUILDDIR, stack.STATE
BASE = stack.BASE


def fcgi_get(sock_path, path, query, headers):
    """One FastCGI request (role responder, no body); (status, body)."""
    def record(kind, content, rid=1):
        return struct.pack("!BBHHBx", 1, kind, rid, len(content), 0) + content

    def pair(k, v):
        k, v = k.encode(), v.encode()
        def n(x):
            return struct.pack("!B", len(x)) if len(x) < 128 else struct.pack("!I", len(x) | 0x80000000)
        return n(k) + n(v) + k + v

    params = {"REQUEST_METHOD": "GET", "DOCUMENT_URI": path, "SCRIPT_NAME": path,
              "QUERY_STRING": query, "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1"}
    for k, v in headers.items():
        params["HTTP_" + k.upper().replace("-", "_")] = v
    body = b"".join(pair(k, v) for k, v in params.items())
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    s.sendall(record(1, struct.pack("!HB5x", 1, 0)) + record(4, body) + record(4, b"") +
              record(5, b""))
    out, buf = b"", b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, kind, _, clen, plen = struct.unpack("!BBHHB", buf[:7])
            if len(buf) < 8 + clen + plen:
                break
            if kind == 6:
                out += buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if kind == 3:
                s.close()
                head, _, rest = out.partition(b"\r\n\r\n")
                status = int(head.split(b"Status: ")[1][:3]) if b"Status: " in head else 200
                return status, head.decode(errors="replace"), rest
    s.close()
    return 0, "", b""


def main():
    tap = stack.Tap()
    ini = os.path.join(STATE, "gatehouse.ini")
    sock2 = os.path.join(STATE, "run", "feed-second.sock")
    ini2 = os.path.join(STATE, "gatehouse-feed-second.ini")
    with open(ini) as f:
        text = f.read()
    # The same config, its own socket.
    out, section = [], ""
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("["):
            section = s
        if section == "[feed]" and s.startswith("listen"):
            line = "listen = " + sock2
        out.append(line)
    with open(ini2, "w") as f:
        f.write("\n".join(out) + "\n")
    second = subprocess.Popen([os.path.join(BUILD, "gatehouse-feed"), "-c", ini2],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(sock2):
                break
            time.sleep(0.1)
        tap.ok(os.path.exists(sock2), "a second gatehouse-feed process on its own socket")
        s = stack.Sql()
        t = stack.make_tenant(s, "feedrate")
        s.close()
        slug, key = t["slug"], t["key"]
        r = subprocess.run([os.path.join(BUILD, "gatehouse-ctl"), "-c", ini, "key", "rate",
                            "--tenant", slug, "--rate", "1", "--burst", "6", key[4:20]],
                           capture_output=True, text=True)
        tap.ok(r.returncode == 0, "the key: 1 a second, bursts of 6")
        path = "/feed/%s/portal-users" % slug
        auth = {"Authorization": "Bearer " + key}
        got = []
        t0 = time.monotonic()
        for i in range(10):
            if i % 2 == 0:
                try:
                    resp = urllib.request.urlopen(urllib.request.Request(BASE + path,
                                                                         headers=auth),
                                                  timeout=10)
                    got.append(("nginx", resp.status, resp.headers.get("Retry-After")))
                except urllib.error.HTTPError as e:
                    got.append(("nginx", e.code, e.headers.get("Retry-After")))
            else:
                st, head, _ = fcgi_get(sock2, path, "", auth)
                ra = None
                for h in head.split("\r\n"):
                    if h.lower().startswith("retry-after:"):
                        ra = h.split(":", 1)[1].strip()
                got.append(("second", st, ra))
        # The bucket refills at 1 a second: a slow run (a sanitizer build)
        # may earn a token more per second it took.
        extra = int(time.monotonic() - t0)
        ok200 = [g for g in got if g[1] == 200]
        tap.ok(6 <= len(ok200) <= 6 + extra and all(g[1] == 200 for g in got[:6]),
               "6 answers in all from the two processes (%s; %d s)"
               % (" ".join("%s:%s" % (w, s) for w, s, _ in got), extra))
        tap.ok({w for w, _, _ in ok200} == {"nginx", "second"}, "taken from both processes")
        late = [g for g in got if g[1] != 200]
        tap.ok(len(late) >= 4 - extra and
               {w for w, _, _ in late} == {"nginx", "second"} and
               all(s == 429 and ra and int(ra) >= 1 for _, s, ra in late),
               "then 429 with Retry-After from either")
    finally:
        second.terminate()
        second.wait(timeout=10)
        for p in (ini2, sock2):
            try:
                os.unlink(p)
            except OSError:
                pass
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
