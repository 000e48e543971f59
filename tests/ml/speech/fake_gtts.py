"""A loopback stand-in for Google Translate's batchexecute TTS endpoint, as gTTS calls it.

It parses gTTS's real request (form field ``f.req`` holding the ``jQ1olc`` RPC) and answers
in the real envelope: ``)]}'``, then length-prefixed JSON chunks, the first a ``wrb.fr``
entry whose payload is ``["<base64 MP3>"]``. The MP3 is real (libsndfile's MPEG Layer III):
a tone lasting ``SECONDS_PER_CHAR`` per character of the requested text.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import soundfile as sf

MP3_RATE = 24_000
SECONDS_PER_CHAR = 0.06


def make_mp3(seconds: float, rate: int = MP3_RATE) -> bytes:
    """A real mono MP3 of a modulated 220 Hz tone."""
    t = np.arange(max(1, int(seconds * rate))) / rate
    tone = 0.3 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t))
    buf = io.BytesIO()
    sf.write(buf, tone.astype(np.float32), rate, format="MP3")
    return buf.getvalue()


def envelope(payload: str) -> bytes:
    """The batchexecute response body around one ``jQ1olc`` payload string."""
    compact = (",", ":")
    entry = json.dumps(
        [
            ["wrb.fr", "jQ1olc", payload, None, None, None, "generic"],
            ["di", 42],
            ["af.httprm", 41, "-1234567890", 7],
        ],
        separators=compact,
    )
    tail = json.dumps([["e", 4, None, None, len(entry) + 40]], separators=compact)
    return f")]}}'\n\n{len(entry) + 1}\n{entry}\n{len(tail) + 1}\n{tail}\n".encode()


@dataclass
class FakeGtts:
    """Server state: what to answer next and what was asked."""

    mode: str = "ok"
    """ok | 429 | 500 | slow | no_audio | garbage | bad_mp3"""
    delay_s: float = 1.5
    requests: list[tuple[str, str, float]] = field(default_factory=list)
    """(text, lang, monotonic arrival time) of each request."""
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    def answer(self, text: str) -> tuple[int, dict[str, str], bytes]:
        if self.mode == "429":
            return 429, {"Retry-After": "1"}, b"Too Many Requests"
        if self.mode == "500":
            return 500, {}, b"Internal Server Error"
        if self.mode == "slow":
            time.sleep(self.delay_s)
        if self.mode == "no_audio":
            return 200, {}, envelope(json.dumps([None], separators=(",", ":")))
        if self.mode == "garbage":
            return 200, {}, b"<html>\x00 definitely not batchexecute </html>"
        if self.mode == "bad_mp3":
            junk = base64.b64encode(b"ID3 this is not audio at all" * 4).decode()
            return 200, {}, envelope(json.dumps([junk], separators=(",", ":")))
        audio = base64.b64encode(make_mp3(len(text) * SECONDS_PER_CHAR)).decode()
        return 200, {}, envelope(json.dumps([audio], separators=(",", ":")))

    def start(self) -> FakeGtts:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                freq = urllib.parse.parse_qs(body)["f.req"][0]
                rpc = json.loads(freq)
                assert rpc[0][0][0] == "jQ1olc"
                text, lang, _speed, _ = json.loads(rpc[0][0][1])
                fake.requests.append((text, lang, time.monotonic()))
                status, headers, payload = fake.answer(text)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (timeout test)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def url(self, tld: str = "com", path: str = "") -> str:
        """Drop-in for ``gtts.utils._translate_url``."""
        return f"http://127.0.0.1:{self.port}/{path}"
