"""A real HTTP receiver on loopback, in a thread: it records every request (headers and body)
and answers what the test says (200 by default; a status for a while, or a function of the
request), so that deliveries are tested over real sockets, with no mock of HTTP."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


class Receiver:
    def __init__(self):
        self.received: list[Received] = []
        self.answer: Callable[[Received], int] = lambda request: 200
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = Received(self.path, headers, self.rfile.read(length), 0)
                if receiver.delay:
                    time.sleep(receiver.delay)
                request.status = receiver.answer(request)
                with receiver.lock:
                    receiver.received.append(request)
                if request.status == 0:  # not HTTP at all
                    self.wfile.write(b"garbage\r\n\r\n")
                    return
                self.send_response(request.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def answer_for(self, status: int, seconds: float) -> None:
        """Answer `status` for the next `seconds`, then 200."""
        until = time.monotonic() + seconds
        self.answer = lambda request: status if time.monotonic() < until else 200

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
