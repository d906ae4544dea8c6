"""The reference for B1 and B5: a bare Bolt app whose only listener acks, on our HTTP stack.

It is served exactly as ``actionlog run`` serves the real bot (``bot.http``: the same WSGI
wrapper, request log line and waitress settings), so the difference is the bot itself.
Run as ``python -m benchmarks.bare_app``; it reads PORT, SLACK_SIGNING_SECRET,
SLACK_BOT_TOKEN and SLACK_API_URL.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.http import SlackWsgiApp, make_server, stop_server
from bot.log import configure_logging


def build_app(signing_secret: str, token: str, api_url: str) -> App:
    """Bolt with one slash command listener that only acknowledges."""
    # Like the bot, it checks its token with auth.test (at the stand-in) once, at start.
    app = App(
        client=WebClient(token=token, base_url=api_url),
        signing_secret=signing_secret,
        logger=logging.getLogger("bare.bolt"),
    )

    @app.command("/actions")
    def only_ack(ack: Ack) -> None:
        ack()

    return app


def main() -> int:
    secret, token = os.environ["SLACK_SIGNING_SECRET"], os.environ["SLACK_BOT_TOKEN"]
    configure_logging([secret, token])
    app = build_app(secret, token, os.environ["SLACK_API_URL"])
    # The same HTTP stack as the bot's, its signature and timestamp checks included.
    wsgi = SlackWsgiApp(app, health_check=lambda: True, signing_secret=secret)
    server = make_server(wsgi, host="127.0.0.1", port=int(os.environ["PORT"]))
    signal.signal(signal.SIGTERM, lambda *_: stop_server(server))
    with contextlib.suppress(KeyboardInterrupt, OSError):
        server.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
