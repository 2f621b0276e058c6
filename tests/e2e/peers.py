"""peers.py - the helpers the Python end-to-end tests share: free ports,
bounded polling, the local peers (Radicale for CalDAV, an aiosmtpd sink
that writes a Maildir), reading the sink's mail, and check/need.

Not a test: tests/run.sh runs tests/e2e/*.sh only.  The scripts import
it with their own directory first on sys.path.  Every server binds
127.0.0.1 on a free port; every wait is bounded.
"""

import base64
import email
import email.header
import email.policy
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

PYTHON = "/usr/bin/python3"
# cadenced refuses root without --allow-root (CI runs as root)
ROOT_OPT = ["--allow-root"] if os.geteuid() == 0 else []


# one party, one monthly forum, the state in ./state, HTTP on port %d
MINIMAL_CONF = """timezone = "Europe/Helsinki";
domain = "example.org";
state_dir = "state";
http = { listen = "127.0.0.1:%d"; };
parties = ( { id = "hva"; name = "Hyvinvointialue"; } );
forums = ( { id = "foorumi"; name = "Foorumi"; convenor = "hva";
    rrule = "FREQ=MONTHLY;BYDAY=2TU"; time = "13:00"; duration = 60; } );
"""


# The head of the Kainuu test configs: the zone, domain kainuu.example
# (so UIDs end in @kainuu.example), the state in ./var, 550 days ahead,
# Finnish holidays.  A test's CONF goes on after it.
KAINUU_HEAD = """
timezone = "Europe/Helsinki";
domain = "kainuu.example";
state_dir = "var";
horizon_days = 550;
holidays = "FI";
"""

# Kainuu's parties as the tests name them, one config line each: hva
# convenes; kajaani and sotkamo are members, each with its registry
# address (kirjaamo@ID.example)
KAINUU_PARTY = {
    "hva": '{ id = "hva"; name = "Kainuun hyvinvointialue"; '
           'email = "kirjaamo@hva.example"; }',
    "kajaani": '{ id = "kajaani"; name = "Kajaanin kaupunki"; '
               'email = "kirjaamo@kajaani.example"; }',
    "sotkamo": '{ id = "sotkamo"; name = "Sotkamon kunta"; '
               'email = "kirjaamo@sotkamo.example"; }',
    "kuhmo": '{ id = "kuhmo"; name = "Kuhmon kaupunki"; '
             'email = "kirjaamo@kuhmo.example"; }',
}


def kainuu_parties(*ids):
    """parties = ( ... ); of the KAINUU_PARTY lines of ids"""
    return "parties = (\n  %s\n);\n" % ",\n  ".join(
        KAINUU_PARTY[i] for i in ids)


def require(me, module, package=None):
    """the module imported, or "ME: FAIL: ... cannot import MODULE" and
    exit 1 (the .sh checks the test's modules; this says which)"""
    try:
        return importlib.import_module(module)
    except ImportError:
        print("%s: FAIL: /usr/bin/python3 cannot import %s%s" % (
            me, module, " (apt-get install %s)" % package if package
            else ""))
        sys.exit(1)


def dav(method, url, user, password, body=None, headers=None, timeout=10):
    """(status, body, headers) of one WebDAV/CalDAV request with HTTP
    Basic authentication; an HTTP error is an answer, not an exception"""
    req = urllib.request.Request(url, data=body, method=method)
    auth = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    req.add_header("Authorization", "Basic " + auth)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


class Fatal(Exception):
    """a check failed that the rest of the test cannot do without"""


def dav_body(method, url, user, password, body=None):
    """the body of a DAV request that must succeed (2xx); Fatal if not"""
    st, got, _ = dav(method, url, user, password, body)
    if not 200 <= st < 300:
        raise Fatal("%s %s: HTTP %d" % (method, url, st))
    return got


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def poll_until(what, timeout, step=0.1):
    """what() until it is true, at most timeout seconds; its last value"""
    end = time.monotonic() + timeout
    while True:
        v = what()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


def run_ctl(ctl, conf, today, args, ok=True, timeout=60):
    """`ctl -c conf --today today args...`: its CompletedProcess (text);
    Fatal when ok and it did not exit 0"""
    r = subprocess.run([ctl, "-c", conf, "--today", today] + list(args),
                       capture_output=True, text=True, timeout=timeout)
    if ok and r.returncode != 0:
        raise Fatal("cadencectl %s: exit %d: %s" % (
            " ".join(args), r.returncode, r.stderr.strip()))
    return r


def curl(url, *args, cacert=None, token=None, data=None):
    """(status, body) of curl GET url (POST with data), with the bearer
    token and the CA file cacert when given; status 0: no answer"""
    cmd = ["curl", "-sS", "--max-time", "10", "-o", "-", "-w",
           "\n%{http_code}"]
    if cacert:
        cmd += ["--cacert", cacert]
    if token:
        cmd += ["-H", "Authorization: Bearer " + token]
    if data is not None:
        cmd += ["-H", "Content-Type: application/json",
                "--data-binary", "@-"]
    r = subprocess.run(cmd + list(args) + [url], input=data,
                       capture_output=True, timeout=30, text=True)
    body, _, code = r.stdout.rpartition("\n")
    return int(code or 0), body


def post_change(curl_fn, token, change):
    """(status, the answer's JSON, or its text when it is not JSON) of
    POST /api/v1/changes with change (a dict, or raw text) through
    curl_fn(path, token=, data=), the test's curl of its daemon"""
    data = change if isinstance(change, str) else json.dumps(change)
    st, body = curl_fn("/api/v1/changes", token=token, data=data)
    try:
        return st, json.loads(body)
    except ValueError:
        return st, body


def subject(msg):
    """a message's Subject, its encoded words decoded"""
    return str(email.header.make_header(
        email.header.decode_header(msg["Subject"])))


class Run:
    """one test run: its name in messages (me), its failures, its
    temporary directory (made when tmp_prefix is given), the peers it
    started (procs, by name) and the mail it has seen so far"""

    def __init__(self, me, tmp_prefix=None, flush=False, stop_wait=5,
                 poll_step=0.1):
        self.me = me
        self.failures = []
        self.tmp = tempfile.mkdtemp(prefix=tmp_prefix) if tmp_prefix \
            else None
        self.procs = {}
        self.seen_files = []
        self.flush = flush
        self.stop_wait = stop_wait      # seconds before SIGKILL in stop()
        self.poll_step = poll_step      # wait_port's polling step

    def finish(self, fn, keep=False, note=None, stops=()):
        """runs fn(); then stops the peers and removes tmp, and prints
        "ME: ok" (with ": note") or exits 1 after "ME: N failed".  keep:
        tmp stays after a failure ("ME: kept TMP"); stops: exceptions
        that end the run as a failure ("stopped: ...") besides Fatal"""
        try:
            fn()
        except Fatal as e:
            if str(e) not in self.failures:     # need() has said it
                self.check(False, str(e))
        except stops as e:
            self.check(False, "stopped: %s" % e)
        finally:
            self.stop_all()
            if self.tmp and keep and self.failures:
                print("%s: kept %s" % (self.me, self.tmp))
            elif self.tmp:
                shutil.rmtree(self.tmp, ignore_errors=True)
        if self.failures:
            print("%s: %d failed" % (self.me, len(self.failures)))
            sys.exit(1)
        print("%s: ok%s" % (self.me, ": " + note if note else ""))

    def finish_daemon(self, fn, log, stop_daemon):
        """runs fn(), then checks the daemon's log for sanitizer reports,
        calls stop_daemon() and stops the peers; on failure prints the
        log's last 30 lines, keeps tmp and exits 1 after "ME: N
        failure(s)", else removes tmp and prints "ME: ok (N s)" """
        t0 = time.monotonic()
        try:
            fn()
            with open(log, errors="replace") as f:
                bad = [ln for ln in f if "runtime error:" in ln or
                       "Sanitizer" in ln]
            self.check(not bad, "sanitizer reports in the log: %s" %
                       bad[:3])
        except Fatal:
            pass
        finally:
            stop_daemon()
            self.stop_all()
            if self.failures:
                with open(log, errors="replace") as f:
                    print("--- daemon log (last 30 lines)")
                    print("".join(f.readlines()[-30:]), end="")
                print("%s: kept %s" % (self.me, self.tmp))
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
        if self.failures:
            print("%s: %d failure(s)" % (self.me, len(self.failures)))
            sys.exit(1)
        print("%s: ok (%.1f s)" % (self.me, time.monotonic() - t0))

    def within_5s(self, what, cond):
        """cond() until true, at most 5 s (SPEC § 6: a change reaches
        the feeds, CalDAV and mail within 5 s); a failure otherwise"""
        t0 = time.monotonic()
        got = poll_until(cond, 5, 0.1)
        self.check(got and time.monotonic() - t0 <= 5.5,
                   "%s not within 5 s" % what)
        return got

    def check(self, cond, msg):
        if not cond:
            self.failures.append(msg)
            print("%s: FAIL: %s" % (self.me, msg), flush=self.flush)
        return cond

    def need(self, cond, msg):
        """a check that the rest cannot do without"""
        if not self.check(cond, msg):
            raise Fatal(msg)

    def wait_port(self, port, proc, what, timeout=10):
        """until proc listens on port; Fatal when it exits or does not"""
        def up():
            if proc.poll() is not None:
                self.check(False, "%s exited early" % what)
                raise Fatal("%s exited early" % what)
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                return True
            except OSError:
                return False
        self.need(poll_until(up, timeout, self.poll_step),
                  "%s did not start" % what)

    def wait_healthz(self, proc, base, timeout=15):
        """until the cadenced proc answers 200 at base/healthz; Fatal
        when it exits or does not within timeout seconds"""
        def up():
            if proc.poll() is not None:
                msg = "cadenced exited at start (%d)" % proc.returncode
                self.check(False, msg)
                raise Fatal(msg)
            try:
                with urllib.request.urlopen(base + "/healthz",
                                            timeout=1) as r:
                    return r.status == 200
            except OSError:
                return False
        self.need(poll_until(up, timeout, self.poll_step),
                  "cadenced: no /healthz within %g s" % timeout)

    def stop(self, name, sig=signal.SIGTERM):
        """signal a peer and reap it (SIGKILL after stop_wait seconds);
        its exit status, None when it had to be killed or was not there"""
        p = self.procs.pop(name, None)
        if p is None:
            return None
        p.send_signal(sig)
        try:
            return p.wait(self.stop_wait)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return None

    def stop_all(self):
        for name in list(self.procs):
            self.stop(name)

    def start_radicale(self, port, user, password):
        """Radicale in tmp/collections, one htpasswd user (plain)"""
        users = os.path.join(self.tmp, "users")
        with open(users, "w") as f:
            f.write("%s:%s\n" % (user, password))
        with open(os.path.join(self.tmp, "radicale.log"), "w") as log:
            p = subprocess.Popen(
                [PYTHON, "-m", "radicale",
                 "--server-hosts", "127.0.0.1:%d" % port,
                 "--storage-filesystem-folder",
                 os.path.join(self.tmp, "collections"),
                 "--auth-type", "htpasswd", "--auth-htpasswd-filename", users,
                 "--auth-htpasswd-encryption", "plain", "--auth-delay", "0",
                 "--rights-type", "owner_only", "--logging-level", "warning"],
                stdout=subprocess.DEVNULL, stderr=log)
        self.procs["radicale"] = p
        self.wait_port(port, p, "radicale")

    def start_sink(self, port):
        """aiosmtpd's Mailbox handler: each message a file in tmp/mail"""
        with open(os.path.join(self.tmp, "smtp.log"), "a") as log:
            p = subprocess.Popen(
                [PYTHON, "-m", "aiosmtpd", "-n",
                 "-l", "127.0.0.1:%d" % port,
                 "-c", "aiosmtpd.handlers.Mailbox",
                 os.path.join(self.tmp, "mail")],
                stdout=subprocess.DEVNULL, stderr=log)
        self.procs["smtp"] = p
        self.wait_port(port, p, "aiosmtpd")

    def messages(self):
        """every message received, in the order this run first saw it
        (maildir names do not sort by arrival)"""
        d = os.path.join(self.tmp, "mail", "new")   # Mailbox delivers here
        if os.path.isdir(d):
            fresh = [n for n in os.listdir(d) if n not in self.seen_files]
            fresh.sort(key=lambda n: os.stat(os.path.join(d, n)).st_mtime_ns)
            self.seen_files.extend(fresh)
        out = []
        for name in self.seen_files:
            with open(os.path.join(d, name), "rb") as f:
                out.append(email.message_from_bytes(
                    f.read(), policy=email.policy.compat32))
        return out
