#!/usr/bin/python3
"""daemon_http_abuse.py - raw-socket checks of a running cadenced.

Usage: daemon_http_abuse.py PORT PATH

Run by daemon_http.sh.  First HEAD PATH on a bare socket (headers equal
to GET's, no body bytes at all), then a batch of malformed and oversized
requests.  A malformed request must be answered with a 4xx/5xx status or
a closed connection within a few seconds; it must never get a 200 or
keep the daemon from answering others.  Partial requests (slowloris) are
held open while /healthz is still answered, and must be closed by the
daemon's idle timeout (10 s) within a bounded wait.  Exit 0 when all is
well; every problem is printed.
"""
import socket
import sys
import time

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
PATH = sys.argv[2]
STEP_TIMEOUT = 5.0      # per malformed request
IDLE_CLOSE_MAX = 20.0   # the daemon's 10 s idle timeout plus slack
problems = []


def problem(msg):
    problems.append(msg)
    print("  " + msg)


def connect(timeout=STEP_TIMEOUT):
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    s.settimeout(timeout)
    return s


def complete(resp):
    """A whole response (headers and Content-Length bytes) is in."""
    head, sep, body = resp.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length" and v.strip().isdigit():
            return len(body) >= int(v.strip())
    return False


def exchange(data, timeout=STEP_TIMEOUT):
    """Sends data, reads until the server closes or goes quiet.
    Returns (bytes received, closed_by_server, timed_out)."""
    s = connect(timeout)
    got = b""
    closed = timedout = False
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass        # the server may close before reading it all
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                timedout = True
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            got += chunk
            if len(got) > 1 << 20 or complete(got):
                break
        else:
            timedout = True
    finally:
        s.close()
    return got, closed, timedout


def status_of(resp):
    line = resp.split(b"\r\n", 1)[0]
    parts = line.split(b" ")
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and \
            parts[1].isdigit():
        return int(parts[1])
    return None


def healthz():
    try:
        resp, _, _ = exchange(b"GET /healthz HTTP/1.1\r\nHost: t\r\n"
                              b"Connection: close\r\n\r\n")
    except OSError as e:
        return "cannot connect: %s" % e
    if status_of(resp) != 200 or not resp.endswith(b"ok\n"):
        return "answer %r" % resp[:80]
    return None


def head_check():
    req = ("%s %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    get, _, _ = exchange((req % ("GET", PATH)).encode())
    head, closed, _ = exchange((req % ("HEAD", PATH)).encode())
    gh, _, gbody = get.partition(b"\r\n\r\n")
    hh, sep, hbody = head.partition(b"\r\n\r\n")
    if status_of(head) != 200 or not sep:
        problem("HEAD %s: answer %r" % (PATH, head[:80]))
        return
    if hbody:
        problem("HEAD %s: %d body bytes after the headers" %
                (PATH, len(hbody)))

    def fields(h):
        out = {}
        for line in h.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            out[k.strip().lower()] = v.strip()
        return out
    g, h = fields(gh), fields(hh)
    for k in (b"content-type", b"etag", b"last-modified",
              b"content-length"):
        if g.get(k) != h.get(k):
            problem("HEAD %s: %s %r, GET has %r" %
                    (PATH, k.decode(), h.get(k), g.get(k)))
    if g.get(b"content-length") != str(len(gbody)).encode():
        problem("GET %s: Content-Length %r but %d body bytes" %
                (PATH, g.get(b"content-length"), len(gbody)))


# complete (if broken) requests: each must be refused or closed
MALFORMED = [
    ("huge header (100 KB)",
     b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n"),
    ("many headers",
     b"GET / HTTP/1.1\r\nHost: t\r\n" +
     b"".join(b"X-H%d: v\r\n" % i for i in range(5000)) + b"\r\n"),
    ("100 KB URL",
     b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: t\r\n\r\n"),
    ("100 KB query on a feed",
     b"GET /calendars/all.ics?" + b"x=1&" * 25000 +
     b" HTTP/1.1\r\nHost: t\r\n\r\n"),
    ("garbage bytes",
     bytes(range(256)) * 8 + b"\r\n\r\n"),
    ("request line without version",
     b"GET /healthz\r\n\r\n"),
    ("unknown HTTP version",
     b"GET /healthz HTTP/9.9\r\nHost: t\r\n\r\n"),
    ("HTTP/2 preface",
     b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    ("header without colon",
     b"GET / HTTP/1.1\r\nHost: t\r\nthis is not a header\r\n\r\n"),
    ("NUL in the path",
     b"GET /calendars/all.ics%00.txt HTTP/1.1\r\nHost: t\r\n\r\n"),
    # libmicrohttpd ends the path at a raw NUL ("GET /"): harmless, so
    # only the daemon's survival is checked for this one
    ("raw NUL in the request line",
     b"GET /\x00/ HTTP/1.1\r\nHost: t\r\n\r\n"),
    ("traversal, raw",
     b"GET /calendars/../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n"),
    ("traversal, encoded",
     b"GET /calendars/%2e%2e/%2E%2E/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n"),
    ("absurd Content-Length on GET",
     b"GET / HTTP/1.1\r\nHost: t\r\n"
     b"Content-Length: 99999999999999999999999\r\n\r\n"),
    ("negative Content-Length",
     b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: -5\r\n\r\n"),
    ("broken chunked POST",
     b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"zz\r\nxx\r\n0\r\n\r\n"),
    ("CONNECT",
     b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n"),
    ("TRACE",
     b"TRACE / HTTP/1.1\r\nHost: t\r\n\r\n"),
    ("lone LF line ends, bad method",
     b"G\xffT / HTTP/1.1\nHost: t\n\n"),
]


def main():
    head_check()

    # slowloris: partial requests held open during the batch
    slow = []
    for i in range(10):
        try:
            s = connect(IDLE_CLOSE_MAX + 5)
            s.sendall(b"GET /calendars/all.ics HTTP/1.1\r\nHost: t\r\n"
                      b"X-Slow-%d: " % i)
            slow.append(s)
        except OSError as e:
            problem("slowloris: cannot open connection %d: %s" % (i, e))
    opened = time.monotonic()

    for name, data in MALFORMED:
        try:
            resp, closed, timedout = exchange(data)
        except OSError as e:
            problem("%s: cannot connect: %s" % (name, e))
            continue
        st = status_of(resp)
        if name.startswith("raw NUL"):
            pass
        elif st is not None and st < 400:
            problem("%s: status %d, want an error" % (name, st))
        elif st is None and not closed:
            problem("%s: no answer and not closed within %.0f s (%r)" %
                    (name, STEP_TIMEOUT, resp[:60]))
        err = healthz()
        if err:
            problem("%s: /healthz afterwards: %s" % (name, err))
            break

    # a feed while the slow connections are still open
    err = healthz()
    if err:
        problem("with %d partial requests open: /healthz %s" %
                (len(slow), err))

    # the idle timeout closes them; bounded wait
    for i, s in enumerate(slow):
        left = IDLE_CLOSE_MAX - (time.monotonic() - opened)
        s.settimeout(max(left, 0.1))
        try:
            data = s.recv(4096)
            # a 408 or nothing, then the close
            while data:
                data = s.recv(4096)
        except socket.timeout:
            problem("slowloris: connection %d still open after %.0f s" %
                    (i, IDLE_CLOSE_MAX))
        except OSError:
            pass        # reset: closed too
        s.close()

    err = healthz()
    if err:
        problem("after the batch: /healthz %s" % err)
    if problems:
        print("daemon_http_abuse.py: %d problems" % len(problems))
        return 1
    print("daemon_http_abuse.py: ok: HEAD, %d malformed requests, "
          "%d partial requests closed by the idle timeout" %
          (len(MALFORMED), len(slow)))
    return 0


sys.exit(main())
