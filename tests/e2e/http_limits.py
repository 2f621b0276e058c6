"""http_limits.py - cadenced's HTTP limits under attack (issue 19).

Run by tests/e2e/http_limits.sh: http_limits.py CADENCED.  One daemon on
127.0.0.1 and a free port, in a temporary directory; stopped at the end.
"""

import os
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

DAEMON = os.path.abspath(sys.argv[1])
RUN = peers.Run("http_limits", tmp_prefix="http-limits.")
check = RUN.check
PORT = peers.free_port()
BASE = "http://127.0.0.1:%d" % PORT

CONF = """timezone = "Europe/Helsinki";
domain = "example.org";
state_dir = "state";
http = { listen = "127.0.0.1:%d"; };
parties = ( { id = "hva"; name = "Hyvinvointialue"; } );
forums = ( { id = "foorumi"; name = "Foorumi"; convenor = "hva";
    rrule = "FREQ=MONTHLY;BYDAY=2TU"; time = "13:00"; duration = 60; } );
"""


def request(line, timeout=5.0, src="127.0.0.1", headers=""):
    """(status line or None, seconds) of one request on a new socket"""
    t0 = time.monotonic()
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", PORT))
        s.sendall(("%s\r\nHost: x\r\n%sConnection: close\r\n\r\n"
                   % (line, headers)).encode())
        got = b""
        while b"\r\n" not in got:
            x = s.recv(4096)
            if not x:
                break
            got += x
        status = got.split(b"\r\n")[0].decode() if got else None
    except OSError as e:
        status = "error: %s" % e
    finally:
        s.close()
    return status, time.monotonic() - t0


def many_params():
    # ~900 parameters, 8 kB: libmicrohttpd 0.9.75 ran out of its
    # connection memory and answered nothing until the 10 s idle timeout
    for n in (900, 1000, 5000):
        q = "&".join("a%d=%d" % (i, i) for i in range(n))
        status, t = request("GET /healthz?%s HTTP/1.1" % q)
        check(status is not None and status.split(" ")[1:2] in
              (["414"], ["431"]), "%d parameters: answer %r" % (n, status))
        check(t < 1.0, "%d parameters: answered after %.1f s" % (n, t))
    # a real API query is still served
    status, _ = request("GET /api/v1/occurrences?from=2026-01-01&"
                        "to=2026-12-31 HTTP/1.1")
    check(status is not None and " 200 " in status,
          "API query with 2 parameters: %r" % status)


def main():
    with open(os.path.join(RUN.tmp, "c.conf"), "w") as f:
        f.write(CONF % PORT)
    with open(os.path.join(RUN.tmp, "log"), "w") as log:
        p = subprocess.Popen([DAEMON, "-c", "c.conf"] + peers.ROOT_OPT,
                             cwd=RUN.tmp, stdout=log, stderr=log)
    RUN.procs["cadenced"] = p
    RUN.wait_healthz(p, BASE)
    many_params()


try:
    main()
except peers.Fatal:
    pass
finally:
    RUN.stop_all()
    shutil.rmtree(RUN.tmp, ignore_errors=True)
if RUN.failures:
    print("http_limits: %d failed" % len(RUN.failures))
    sys.exit(1)
print("http_limits: ok")
