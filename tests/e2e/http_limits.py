"""http_limits.py - cadenced's HTTP limits under attack (issue 19).

Run by tests/e2e/http_limits.sh: http_limits.py CADENCED.  One daemon on
127.0.0.1 and a free port, in a temporary directory; stopped at the end.
"""

import os
import resource
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

CONF = peers.MINIMAL_CONF


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


ATTACKERS = ["127.0.0.%d" % i for i in (2, 3, 4, 5)]
PER_ATTACKER = 256          # 4 x 256 = every slot of HTTP_CONNECTIONS
ATTACK_S = 12


def slowloris():
    """four addresses open 256 connections each and send a header byte
    every 2 s, never finishing; /healthz from a fifth must answer within
    1 s all along, and the daemon must close the partial requests after
    its 5 s header deadline (it kept them for ever before)"""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    socks, refused = [], 0
    for src in ATTACKERS:
        for _ in range(PER_ATTACKER):
            s = socket.socket()
            s.settimeout(2)
            try:
                s.bind((src, 0))
                s.connect(("127.0.0.1", PORT))
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                s.setblocking(False)
                socks.append((s, time.monotonic()))
            except OSError:
                refused += 1
                s.close()
    t0 = time.monotonic()
    worst, answered, asked, closed_at = 0.0, 0, 0, {}
    while time.monotonic() - t0 < ATTACK_S:
        for s, t_open in socks:
            if s in closed_at:
                continue
            try:
                if s.recv(4096) == b"":
                    closed_at[s] = time.monotonic() - t_open
                    continue
            except BlockingIOError:
                pass
            except OSError:
                closed_at[s] = time.monotonic() - t_open
                continue
            try:
                s.send(b"X")
            except OSError:
                closed_at[s] = time.monotonic() - t_open
        status, t = request("GET /healthz HTTP/1.1", timeout=3)
        asked += 1
        worst = max(worst, t)
        if status is not None and " 200 " in status:
            answered += 1
        time.sleep(0.5)
    for s, _ in socks:
        s.close()
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    held = len(socks) - len(closed_at)
    late = max(closed_at.values()) if closed_at else 0.0
    print("http_limits: slowloris: %d connections from 4 addresses (%d "
          "refused at connect); /healthz %d/%d answered, slowest %.2f s; "
          "%d partial requests still open after %d s, the last closed "
          "after %.1f s" % (len(socks), refused, answered, asked, worst,
                            held, ATTACK_S, late))
    check(answered == asked, "/healthz answered %d of %d times under "
          "slowloris" % (answered, asked))
    check(worst < 1.0, "/healthz took %.2f s under slowloris" % worst)
    check(held == 0, "%d slowloris connections still open after %d s"
          % (held, ATTACK_S))


def burst():
    """a proxy's or a load test's burst: 256 connections from one
    address at once, each with a whole request, are all answered (the
    slow-client limits count only connections without a request)"""
    socks = []
    for _ in range(256):
        s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        socks.append(s)
    ok = 0
    for s in socks:
        try:
            if s.recv(64).startswith(b"HTTP/1.1 200 "):
                ok += 1
        except OSError:
            pass
        s.close()
    check(ok == 256, "burst of 256 from one address: %d answered 200" % ok)


def main():
    with open(os.path.join(RUN.tmp, "c.conf"), "w") as f:
        f.write(CONF % PORT)
    with open(os.path.join(RUN.tmp, "log"), "w") as log:
        p = subprocess.Popen([DAEMON, "-c", "c.conf"] + peers.ROOT_OPT,
                             cwd=RUN.tmp, stdout=log, stderr=log)
    RUN.procs["cadenced"] = p
    RUN.wait_healthz(p, BASE)
    many_params()
    burst()
    slowloris()


RUN.finish(main)
