"""faults_servers.py - fake CalDAV and SMTP servers whose failure mode the
test switches at run time (tests/e2e/faults.py).  Both bind 127.0.0.1 on
a port the kernel chooses, run in daemon threads, and count what they
accepted in "ok" mode, tagged with the test's current phase.

CalDAV modes: ok (PUT 201/204 with an ETag, GET, DELETE), hang (reads the
request and answers nothing until released or stopped), 503 (with
Retry-After), 412, 507, garbage (bytes that are not HTTP).

SMTP modes: ok, 421 (at the greeting, or at the next command of a
session the client kept open; close_sessions() ends those), 451 (after DATA), 550 (on RCPT),
drop (closes the connection in the middle of DATA), hold (answers the
end of DATA only when released: a delivery in flight).
"""

import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder:
    """what a server accepted, and the test's phase"""

    def __init__(self):
        self.lock = threading.Lock()
        self.mode = "ok"
        self.phase = "start"
        self.accepted = []          # (phase, path or rcpt, body)
        self.attempts = 0           # requests or sessions seen
        self.datas = 0              # SMTP DATA commands seen
        self.release = threading.Event()
        self.retry_after = "120"

    def set(self, mode):
        with self.lock:
            self.mode = mode
            self.release.clear()

    def get(self):
        with self.lock:
            return self.mode

    def count(self, phase):
        with self.lock:
            return sum(1 for a in self.accepted if a[0] == phase)


# ---- CalDAV ---------------------------------------------------------------

class DavHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def answer(self, code, body=b"", etag=None, extra=()):
        self.send_response(code)
        if etag:
            self.send_header("ETag", etag)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def fault(self):
        """answers the fault of the mode; False in mode ok"""
        rec = self.server.rec
        mode = rec.get()
        with rec.lock:
            rec.attempts += 1
        if mode == "ok":
            return False
        if mode == "hang":
            # until the test releases it or the server stops; bounded
            rec.release.wait(120)
            self.close_connection = True
            return True
        if mode == "503":
            self.answer(503, b"busy\n",
                        extra=(("Retry-After", rec.retry_after),))
        elif mode == "412":
            self.answer(412, b"precondition failed\n")
        elif mode == "507":
            self.answer(507, b"<?xml version=\"1.0\"?><D:error "
                        b"xmlns:D=\"DAV:\"><D:quota-not-exceeded/>")
        elif mode == "garbage":
            self.wfile.write(b"\x00\xffSPDY<<garbage not http>>\r\n\r\n")
            self.close_connection = True
        return True

    def do_PUT(self):
        data = self.body()
        if self.fault():
            return
        rec = self.server.rec
        with rec.lock:
            created = self.path not in self.server.store
            etag = '"%d"' % (len(rec.accepted) + 1)
            self.server.store[self.path] = (etag, data)
            rec.accepted.append((rec.phase, self.path, data))
        self.answer(201 if created else 204, etag=etag)

    def do_GET(self):
        if self.fault():
            return
        r = self.server.store.get(self.path)
        if r is None:
            self.answer(404)
        else:
            self.answer(200, r[1], r[0])

    def do_DELETE(self):
        self.body()
        if self.fault():
            return
        r = self.server.store.pop(self.path, None)
        self.answer(404 if r is None else 204)


class Dav:
    def __init__(self):
        self.rec = Recorder()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), DavHandler)
        self.httpd.daemon_threads = True
        self.httpd.rec = self.rec
        self.httpd.store = {}
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d/cal/" % self.port
        threading.Thread(target=self.httpd.serve_forever,
                         daemon=True).start()

    def stop(self):
        self.rec.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


# ---- SMTP -----------------------------------------------------------------

class SmtpHandler(socketserver.StreamRequestHandler):
    timeout = 30

    def say(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        with self.server.lock:
            self.server.sessions.add(self.request)
        try:
            self.session()
        except OSError:
            pass        # idle past the timeout, or the client went away
        finally:
            with self.server.lock:
                self.server.sessions.discard(self.request)

    def session(self):
        rec = self.server.rec
        mode = rec.get()
        with rec.lock:
            rec.attempts += 1
        if mode == "421":
            self.say("421 4.3.2 service not available, try later")
            return
        self.say("220 faults.example ESMTP fake")
        rcpt = []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.decode("ascii", "replace").strip()
            verb = cmd[:4].upper()
            # the client may reuse a session opened in another mode
            mode = rec.get()
            if mode == "421":
                self.say("421 4.3.2 service shutting down, try later")
                return
            if verb in ("EHLO", "HELO"):
                self.say("250-faults.example\r\n250 8BITMIME"
                         if verb == "EHLO" else "250 faults.example")
            elif verb == "MAIL":
                rcpt = []
                self.say("250 2.1.0 ok")
            elif verb == "RCPT":
                if mode == "550":
                    self.say("550 5.1.1 no such user here")
                else:
                    rcpt.append(cmd[8:].strip())
                    self.say("250 2.1.5 ok")
            elif verb == "DATA":
                with rec.lock:
                    rec.datas += 1
                self.say("354 end with <CRLF>.<CRLF>")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline(65536)
                    if not chunk:
                        return
                    if mode == "drop" and len(data) > 200:
                        # in the middle of the message: gone
                        self.request.shutdown(socket.SHUT_RDWR)
                        return
                    if chunk == b".\r\n":
                        break
                    data += chunk
                if mode == "451":
                    self.say("451 4.3.0 temporary failure, try later")
                    continue
                if mode == "hold":
                    rec.release.wait(60)
                with rec.lock:
                    for r in rcpt:
                        rec.accepted.append((rec.phase, r, bytes(data)))
                self.say("250 2.0.0 queued")
            elif verb == "RSET":
                rcpt = []
                self.say("250 ok")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("502 5.5.2 not implemented")


class ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Smtp:
    def __init__(self):
        self.rec = Recorder()
        self.srv = ThreadingTCP(("127.0.0.1", 0), SmtpHandler)
        self.srv.rec = self.rec
        self.srv.lock = threading.Lock()
        self.srv.sessions = set()
        self.port = self.srv.server_address[1]
        self.url = "smtp://127.0.0.1:%d" % self.port
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def close_sessions(self):
        """ends the sessions a client keeps open between messages, as a
        server going down would: the next message meets the greeting"""
        with self.srv.lock:
            for s in list(self.srv.sessions):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        self.rec.release.set()
        self.srv.shutdown()
        self.srv.server_close()

