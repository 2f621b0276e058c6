"""faults_hostile.py - the hostile clients of tests/e2e/hostile_load.sh:
slow (slowloris) and malformed HTTP requests against a running cadenced,
while wrk sends well-formed ones.

    faults_hostile.py PORT SECONDS SLOW_CONNECTIONS

Slowloris: SLOW_CONNECTIONS sockets from 127.0.0.2 and 127.0.0.3 (other
loopback addresses than wrk's, as other clients would be) each send a
request line and then one header byte every 2 s, never finishing; a
socket the daemon closes is opened again.  Malformed: a loop of broken
requests from 127.0.0.4 in 4 threads, each read to its answer or to the
close (every read bounded by WAIT, longer than the daemon's idle timeout).  Only 127.0.0.1's
PORT is ever a target.  Prints one summary line; exit 1 when a malformed
request went unanswered past its timeout (the daemon stalled).
"""

import random
import select
import socket
import sys
import threading
import time

PORT = int(sys.argv[1])
# a connection that says nothing valid is closed by the daemon's idle
# timeout (10 s, HTTP_TIMEOUT_S): waiting longer than that is a stall
WAIT = 12
SECONDS = float(sys.argv[2])
SLOW = int(sys.argv[3])

MALFORMED = [
    b"\x00\x01\x02\x03garbage\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET /calendars/all.ics HTTP/1.1\r\nHost: x\r\n" +
    b"X-Long: " + b"a" * 70000 + b"\r\n\r\n",
    b"GET /" + b"%" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /calendars/all.ics HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: 99999999999\r\n\r\nabc",
    b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"zz\r\nnot hex\r\n",
    b"GET /api/v1/occurrences?from=0000-00-00&to=9999-99-99 HTTP/1.1\r\n"
    b"Host: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"H: v\r\n" * 3000 + b"\r\n",
    b"GET / HTTP/1.1\r\n\xff\xfe: \xc0\xaf\r\n\r\n",
    b"GET /vuosikello.svg?year=99999999999999999999 HTTP/1.1\r\n"
    b"Host: x\r\n\r\n",
]


def slow_open(src):
    s = socket.socket()
    s.setblocking(True)
    s.settimeout(2)
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", PORT))
        s.sendall(b"GET /calendars/all.ics HTTP/1.1\r\nHost: x\r\nX-a: ")
        s.setblocking(False)
        return s
    except OSError:
        s.close()
        return None


def malformed_once(req):
    """True when answered (a status line) or closed within WAIT s"""
    s = socket.socket()
    s.settimeout(WAIT)
    got = b""
    try:
        s.bind(("127.0.0.4", 0))
        s.connect(("127.0.0.1", PORT))
        try:
            s.sendall(req)
        except OSError:
            return True             # refused mid-send: closed, fine
        while b"\r\n\r\n" not in got:
            b = s.recv(65536)
            if not b:
                return True
            got += b
        return True
    except socket.timeout:
        return False
    except OSError:
        return True
    finally:
        s.close()


def main():
    end = time.monotonic() + SECONDS
    slow = []
    reopened = 0
    sent_bytes = 0
    srcs = ["127.0.0.2", "127.0.0.3"]
    for i in range(SLOW):
        s = slow_open(srcs[i % 2])
        if s is not None:
            slow.append(s)
    opened = len(slow)
    next_trickle = time.monotonic() + 2
    counts = {"mal": 0, "stalled": 0}
    lock = threading.Lock()

    def malformed_loop(seed):
        rng = random.Random(seed)
        while time.monotonic() < end:
            ok = malformed_once(MALFORMED[rng.randrange(len(MALFORMED))])
            with lock:
                counts["mal"] += 1
                counts["stalled"] += 0 if ok else 1
            time.sleep(0.05)
    workers = [threading.Thread(target=malformed_loop, args=(i,))
               for i in range(4)]
    for t in workers:
        t.start()
    while time.monotonic() < end:
        t = time.monotonic()
        if t >= next_trickle:
            next_trickle = t + 2
            keep = []
            for s in slow:
                try:
                    s.send(b"b")
                    sent_bytes += 1
                    keep.append(s)
                except OSError:
                    s.close()
            # the daemon closed some: open them again
            while len(keep) < len(slow):
                s = slow_open(srcs[len(keep) % 2])
                reopened += 1
                if s is None:
                    break
                keep.append(s)
            slow = keep
            # drain what the daemon said to the closed ones
            r, _, _ = select.select(slow, [], [], 0)
            for s in r:
                try:
                    s.recv(4096)
                except OSError:
                    pass
        time.sleep(0.1)
    for t in workers:
        t.join(WAIT + 5)
    for s in slow:
        s.close()
    mal, stalled = counts["mal"], counts["stalled"]
    print("hostile: %d slowloris sockets (%d reopened, %d bytes "
          "trickled), %d malformed requests, %d unanswered in %d s" % (
              opened, reopened, sent_bytes, mal, stalled, WAIT))
    sys.exit(1 if stalled else 0)


if __name__ == "__main__":
    main()
