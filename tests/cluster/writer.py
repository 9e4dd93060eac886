#!/usr/bin/env python3
"""Writers through nginx for the cluster's fault test (tests/cluster).

Each of --threads threads keeps one HTTP/1.1 connection to nginx and, for
--secs seconds, adds portal users with emails of its own
(PREFIX-THREAD-N@cluster.test) by POSTing Portal Access's form, as a signed-in
office user (--cookie: the session cookie's "name=value"; --csrf: the
session's form token).  A write is acknowledged when the answer is 303; a
503 is not acknowledged and the same email is not sent again (its fate is
read from the database afterwards: kept or not, never twice).

Every answer is written to --out, one line each:
    START END STATUS EMAIL CLASS RID
times in seconds since the run began, CLASS "ack" (303), "busy" (503 with
the clean try-again page or the responder's own error page), "bad" (anything
else: a 502, a 500, a refused or timed-out connection, a 503 without a page),
RID the answer's X-Request-Id ("-" without one): what the hosts' logs say of
it.
"""
import argparse
import http.client
import threading
import time
import urllib.parse


def worker(args, tid, t0, lines, lock):
    conn = None
    n = 0
    while True:
        now = time.monotonic()
        if now - t0 >= args.secs:
            break
        n += 1
        email = "%s-%d-%d@cluster.test" % (args.prefix, tid, n)
        body = urllib.parse.urlencode(
            {"csrf": args.csrf, "customer": args.customer, "email": email,
             "sites": "all", "status": "active"})
        start = time.monotonic() - t0
        status, text, rid = 0, "", "-"
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.timeout)
            conn.request("POST", "/settings/client/portal-access/edit", body=body,
                         headers={"Cookie": args.cookie,
                                  "Content-Type": "application/x-www-form-urlencoded"})
            r = conn.getresponse()
            status = r.status
            rid = r.getheader("X-Request-Id", "-") or "-"
            text = r.read().decode("utf-8", "replace")
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            status, text = 0, str(e)
            if conn is not None:
                conn.close()
            conn = None
        end = time.monotonic() - t0
        if status == 303:
            cls = "ack"
        elif status == 503 and ("Try again" in text or "try again" in text):
            cls = "busy"
        else:
            cls = "bad"
        with lock:
            lines.append("%.3f %.3f %d %s %s %s" % (start, end, status, email, cls, rid))
        if cls != "ack":
            time.sleep(0.05)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cookie", required=True)
    p.add_argument("--csrf", required=True)
    p.add_argument("--customer", required=True)
    p.add_argument("--prefix", required=True)
    p.add_argument("--secs", type=float, default=60)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    t0 = time.monotonic()
    lines, lock = [], threading.Lock()
    ts = [threading.Thread(target=worker, args=(args, i, t0, lines, lock))
          for i in range(args.threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + ("\n" if lines else ""))


if __name__ == "__main__":
    main()
