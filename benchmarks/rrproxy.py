"""A tiny round-robin HTTP proxy on loopback, for B1's two web processes behind one address.

``python -m benchmarks.rrproxy PORT http://127.0.0.1:A http://127.0.0.1:B`` sends each
request to the next backend in turn (per request, not per connection), unchanged: the
body and the Slack signature headers pass through as they came. It never retries, so a
request a backend failed shows up as a 502, not as a silent second delivery. On SIGTERM
it stops and prints how many requests each backend got.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Headers that belong to one connection, not to the request (RFC 9110, 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade", "content-length"}
BACKEND_TIMEOUT_S = 30


class _Proxy(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, port: int, backends: list[tuple[str, int]]) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.backends = backends
        self.turn = itertools.count()
        self.lock = threading.Lock()
        self.counts = [0] * len(backends)

    def next_backend(self) -> int:
        with self.lock:
            index = next(self.turn) % len(self.backends)
            self.counts[index] += 1
            return index


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive towards the client, as Slack's pool does
    server: _Proxy

    def setup(self) -> None:
        super().setup()
        # One write per response below; no Nagle delay on small answers.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._upstream: dict[int, http.client.HTTPConnection] = {}

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self._forward()

    def do_POST(self) -> None:  # noqa: N802
        self._forward()

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        index = self.server.next_backend()
        try:
            status, headers, answer = self._ask(index, body)
        except (OSError, http.client.HTTPException) as exc:
            self._upstream.pop(index, None)
            status, headers, answer = 502, [("Content-Type", "text/plain")], \
                f"backend {index} failed: {exc!r}".encode()
        lines = [f"HTTP/1.1 {status} {http.client.responses.get(status, '')}"]
        lines += [f"{name}: {value}" for name, value in headers
                  if name.lower() not in HOP_BY_HOP]
        lines += [f"Content-Length: {len(answer)}", "", ""]
        self.wfile.write("\r\n".join(lines).encode("latin-1") + answer)

    def _ask(self, index: int, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = self._upstream.get(index)
        if connection is None:
            host, port = self.server.backends[index]
            connection = http.client.HTTPConnection(host, port, timeout=BACKEND_TIMEOUT_S)
            connection.connect()
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._upstream[index] = connection
        connection.putrequest(self.command, self.path, skip_host=True,
                              skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in HOP_BY_HOP:
                connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)  # headers and body in one send
        response = connection.getresponse()
        answer = response.read()
        if response.will_close:
            connection.close()
            self._upstream.pop(index, None)
        return response.status, response.getheaders(), answer

    def finish(self) -> None:
        for connection in self._upstream.values():
            connection.close()
        super().finish()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the backends log each request already."""


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m benchmarks.rrproxy PORT BACKEND_URL...", file=sys.stderr)
        return 2
    backends = []
    for url in argv[1:]:
        parts = urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            print(f"rrproxy: {url}: only loopback backends", file=sys.stderr)
            return 2
        backends.append((parts.hostname, parts.port or 80))
    server = _Proxy(int(argv[0]), backends)
    stopper = threading.Thread(target=server.shutdown, daemon=True)
    signal.signal(signal.SIGTERM, lambda *_: stopper.start())
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever(poll_interval=0.05)
    server.server_close()
    print(f"rrproxy: requests per backend {server.counts}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
