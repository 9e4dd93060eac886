#!/usr/bin/env python3
# Webhooks end to end (issue 14), against the running stack: an endpoint
# made through Settings > Integrations > Webhooks (its secret shown once),
# a real HTTP receiver that checks every Standard Webhooks signature and
# validates every body against xslt/feed/v1/event.xsd, changes written in
# SQL, the receiver down for a while then up (every event arrives, repeats
# only with the same webhook-id), gatehouse-hooks killed with SIGKILL in
# the middle of a batch (nothing lost), bad endpoints refused, a disabled
# endpoint's events held and sent once it is enabled again, and an endpoint
# failing past give_up_hours disabled with a mail to its Super Admins.
# TAP on stdout.
import base64
import hashlib
import hmac
import http.server
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

SRC = os.environ.get("GH_SRCDIR", ".")
BUILD = os.environ.get("GH_BUILDDIR", ".")
PORT = int(os.environ.get("GH_TEST_PORT", "18080"))
STATE = os.environ.get("GH_TEST_STATE", "tests/out/stack")
BASE = "http://127.0.0.1:%d" % PORT
INI = os.path.join(STATE, "gatehouse.ini")
PW = "correct-horse-battery-9"

n = 0
failed = 0


def ok(cond, name):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name), flush=True)
    return cond


def diag(msg):
    print("# " + str(msg), flush=True)


def sql(q):
    out = subprocess.run([os.path.join(SRC, "scripts/gh-stack"), "sql", "--state", STATE, "--", "-N"],
                         input=q, capture_output=True, text=True,
                         env=dict(os.environ, GH_BUILDDIR=BUILD))
    return out.stdout.strip()


def ctl(*args, stdin=None):
    return subprocess.run([os.path.join(BUILD, "gatehouse-ctl"), "-c", INI] + list(args),
                          input=stdin, capture_output=True, text=True)


# ---- the receiver ----------------------------------------------------------

class Receiver:
    """An HTTP endpoint on a loopback port: checks each POST's signature
    with the secret, validates the body, records (webhook-id, event id)."""

    def __init__(self):
        self.secret = None
        self.got = []          # (webhook-id, event id, seq) of every good POST
        self.bad = []          # why a POST was refused
        self.answer = 200
        self.lock = threading.Lock()
        self.server = None
        self.port = None

    def start(self, port=0):
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                why = rec.check(self.headers, body)
                code = rec.answer if why is None else 400
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def check(self, h, body):
        mid, ts, sig = h.get("webhook-id"), h.get("webhook-timestamp"), h.get("webhook-signature")
        try:
            key = base64.b64decode(self.secret[len("whsec_"):])
            want = base64.b64encode(hmac.new(key, ("%s.%s." % (mid, ts)).encode() + body,
                                             hashlib.sha256).digest()).decode()
            if sig is None or "v1," + want not in sig.split(" "):
                raise ValueError("bad signature")
            if abs(time.time() - int(ts)) > 300:
                raise ValueError("old timestamp")
            if h.get("Content-Type", "").split(";")[0] != "application/xml":
                raise ValueError("content type")
            with tempfile.NamedTemporaryFile(suffix=".xml") as f:
                f.write(body)
                f.flush()
                r = subprocess.run(["xmllint", "--noout", "--schema",
                                    os.path.join(SRC, "xslt/feed/v1/event.xsd"), f.name],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    raise ValueError("invalid event: " + r.stderr[:200])
            ev = ET.fromstring(body)
            ch = ev.find("change")
            with self.lock:
                if self.answer == 200:
                    self.got.append((mid, ev.get("id"), int(ch.get("seq")), ev.get("type")))
            return None
        except Exception as e:  # a refused POST: counted, answered 400
            with self.lock:
                self.bad.append(str(e))
            return str(e)


# ---- the settings page -------------------------------------------------------

class Office:
    # Cookies by hand: the stack's are Secure, which Python's cookie jar
    # keeps from http://127.0.0.1 (browsers and curl treat it as secure).
    def __init__(self):
        self.cookies = {}
        self.op = urllib.request.build_opener(NoRedirect())

    def req(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        hdr = {"Accept": "application/xml"}
        if self.cookies:
            hdr["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        r = urllib.request.Request(BASE + path, data=body, headers=hdr)
        try:
            resp = self.op.open(r, timeout=20)
        except urllib.error.HTTPError as e:
            resp = e
        for c in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = c.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return resp.status if hasattr(resp, "status") else resp.code, resp.read().decode()

    def csrf(self, path):
        st, body = self.req(path + ("&" if "?" in path else "?") + "format=xml")
        d = ET.fromstring(body)
        for xp in ("login", "session"):
            e = d.find(xp)
            if e is not None and e.get("csrf"):
                return e.get("csrf")
        return ""

    def login(self, email):
        return self.req("/settings/login", {"csrf": self.csrf("/settings/login"), "email": email,
                                            "password": PW})[0]

    def post(self, fields):
        fields = dict(fields, csrf=self.csrf("/settings/webhooks"))
        return self.req("/settings/webhooks?format=xml", fields)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def wait_for(cond, secs):
    end = time.time() + secs
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def hooks_pid():
    try:
        with open(os.path.join(STATE, "run", "hooks.pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def main():
    slug = "hk-%d-%d" % (int(time.time()) % 100000000, os.getpid() % 1000)
    admin = "admin@%s.test" % slug
    ok(ctl("tenant", "create", slug, "Hooks Co").returncode == 0 and
       ctl("user", "create", "--tenant", slug, "--email", admin, "--super-admin", "--first", "Ada",
           "--last", "Admin", stdin=PW + "\n").returncode == 0, "a tenant of this test's own")
    tq = "(SELECT id FROM tenants WHERE slug = '%s')" % slug
    office = Office()
    ok(office.login(admin) == 303, "its Super Admin signs in")

    # Bad endpoints: refused, nothing stored.
    st, body = office.post({"op": "create", "url": "ftp://example.com/x", "event_customer": "1"})
    ok(st == 422 and "https" in body, "a non-http URL: 422, the form says https")
    st, body = office.post({"op": "create", "url": "http://127.0.0.1:9/x"})
    ok(st == 422 and "events" in body, "no event chosen: 422")
    ok(sql("SELECT COUNT(*) FROM webhooks WHERE tenant_id = %s" % tq) == "0",
       "nothing stored for either")

    rec = Receiver()
    rec.start()
    url = "http://127.0.0.1:%d/hook" % rec.port
    st, body = office.post({"op": "create", "url": url, "event_customer": "1",
                            "event_portal_user": "1"})
    m = re.search(r"<created id=\"(\d+)\">(whsec_[A-Za-z0-9+/=]+)</created>", body)
    ok(st == 201 and m is not None, "an endpoint added: 201 and its secret, once")
    if m is None:
        return
    hook_id, rec.secret = m.group(1), m.group(2)
    st, body = office.req("/settings/webhooks?format=xml")
    ok(st == 200 and rec.secret not in body and url in body,
       "the list shows the endpoint, never its secret again")
    sealed = sql("SELECT HEX(secret_sealed) FROM webhooks WHERE id = %s" % hook_id)
    ok(sealed and rec.secret.encode().hex().upper() not in sealed,
       "the secret is stored sealed, not as it is")

    # Changes: one customer made and renamed (2 events), a group change
    # (not asked for: no event).
    sql("INSERT INTO customers (tenant_id, name) VALUES (%s, 'Acme 1')" % tq)
    sql("UPDATE customers SET phone = '555-1' WHERE tenant_id = %s" % tq)
    sql("UPDATE portal_groups SET require_mfa = 1 WHERE tenant_id = %s AND is_default = 1" % tq)
    ok(wait_for(lambda: len(rec.got) >= 2, 15), "both customer changes arrive")
    time.sleep(1)
    ok(len(rec.bad) == 0, "every POST's signature checks out and its body is valid (%d refused)"
       % len(rec.bad))
    types = sorted(t for (_, _, _, t) in rec.got)
    ok(types == ["customer.created", "customer.updated"],
       "only the events asked for: %s" % ",".join(types))

    # The receiver down: events wait and are tried again; up again: all
    # arrive.  Then SIGKILL the worker in the middle of a batch of 40.
    rec.stop()
    for i in range(10):
        sql("INSERT INTO customers (tenant_id, name) VALUES (%s, 'Down %d')" % (tq, i))
    # Down until the first attempts have failed (the next comes a
    # retry_base_secs later, the one after that 60 times later).
    ok(wait_for(lambda: sql("SELECT failing_since IS NOT NULL FROM webhooks WHERE id = %s"
                            % hook_id) == "1" and
                sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = %s AND status = "
                    "'pending' AND attempts >= 1" % hook_id) == "10", 20),
       "while it is down: the endpoint is failing, its 10 deliveries wait to be tried again")
    rec.start(rec.port)
    ok(wait_for(lambda: len({e for (_, e, _, _) in rec.got}) >= 12, 75),
       "up again: the 10 waiting events arrive")
    ok(wait_for(lambda: sql("SELECT failing_since IS NULL FROM webhooks WHERE id = %s"
                            % hook_id) == "1", 10), "and the endpoint is healthy again")

    for i in range(40):
        sql("INSERT INTO customers (tenant_id, name) VALUES (%s, 'Batch %d')" % (tq, i))
    wait_for(lambda: len({e for (_, e, _, _) in rec.got}) >= 14, 10)
    pid = hooks_pid()
    killed = False
    if pid:
        os.kill(pid, signal.SIGKILL)
        killed = True
    ok(killed, "gatehouse-hooks killed with SIGKILL mid-batch (%d of 52 delivered)"
       % len({e for (_, e, _, _) in rec.got}))
    # gh-supervise starts it again; leases of what it held run out.
    ok(wait_for(lambda: len({e for (_, e, _, _) in rec.got}) >= 52, 150),
       "every one of the 52 events arrives after the kill")
    ids = {}
    for (mid, ev, seq, _) in rec.got:
        ids.setdefault(ev, set()).add(mid)
    ok(all(len(v) == 1 for v in ids.values()),
       "an event sent twice always carries the same webhook-id (%d repeats)"
       % (len(rec.got) - len(ids)))
    # A POST the killed worker made but could not record is sent again once
    # its lease ([webhooks] lease_secs) runs out: then the log is complete.
    ok(wait_for(lambda: sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = %s AND "
                            "status <> 'delivered'" % hook_id) == "0", 40),
       "the delivery log: every one delivered")
    ids = {}
    for (mid, ev, seq, _) in rec.got:
        ids.setdefault(ev, set()).add(mid)
    ok(all(len(v) == 1 for v in ids.values()),
       "still: an event sent twice carries the same webhook-id (%d repeats)"
       % (len(rec.got) - len(ids)))
    st, body = office.req("/settings/webhooks?log=%s&format=xml" % hook_id)
    ok(st == 200 and body.count("<delivery ") == 50 and 'status="delivered"' in body,
       "the page's delivery log shows the last 50")

    # Disabled: events wait; enabled: they are sent.
    got = len(rec.got)
    st, _ = office.post({"op": "disable", "id": hook_id})
    ok(st == 303, "disable: 303")
    sql("INSERT INTO customers (tenant_id, name) VALUES (%s, 'While disabled')" % tq)
    time.sleep(2)
    ok(len(rec.got) == got, "nothing is sent while it is disabled")
    st, _ = office.post({"op": "enable", "id": hook_id})
    ok(st == 303 and wait_for(lambda: len(rec.got) > got, 15),
       "enabled again: the held event is sent")

    # Failing past give_up_hours: disabled, its Super Admin mailed.
    rec.answer = 500
    sql("UPDATE webhooks SET failing_since = NOW(6) - INTERVAL 80 HOUR WHERE id = %s" % hook_id)
    sql("INSERT INTO customers (tenant_id, name) VALUES (%s, 'Into the void')" % tq)
    ok(wait_for(lambda: sql("SELECT enabled FROM webhooks WHERE id = %s" % hook_id) == "0", 20),
       "an endpoint failing for 72 hours is disabled")
    ok(wait_for(lambda: sql("SELECT COUNT(*) FROM mail_outbox WHERE tenant_id = %s AND kind = "
                            "'webhook-disabled' AND to_addr = '%s'" % (tq, admin)) == "1", 10),
       "and its Super Admin gets the mail")
    st, body = office.req("/settings/webhooks?format=xml")
    ok('enabled="0"' in body and "disabled-reason" in body, "the page shows it disabled, and why")

    # Another tenant's endpoint cannot be touched; delete asks first.
    st, _ = office.post({"op": "disable", "id": "999999999"})
    ok(st == 404, "an endpoint that is not the tenant's: 404")
    st, body = office.post({"op": "delete", "id": hook_id})
    ok(st == 200 and 'confirm="1"' in body, "delete without confirm: the question, nothing gone")
    st, _ = office.post({"op": "delete", "id": hook_id, "confirm": "1"})
    ok(st == 303 and sql("SELECT COUNT(*) FROM webhooks WHERE id = %s" % hook_id) == "0",
       "confirmed: deleted with its deliveries")
    rec.stop()


if __name__ == "__main__":
    try:
        main()
    finally:
        print("1..%d" % n)
    sys.exit(1 if failed else 0)
