"""The reference for B1 and B5: a bare Bolt app whose only listener acks, on our HTTP stack.

It is served exactly as ``actionlog run`` serves the real bot (``bot.http``: the same WSGI
wrapper, request log line and waitress settings), so the difference is the bot itself.
Run as ``python -m benchmarks.bare_app``; it reads PORT, SLACK_SIGNING_SECRET,
SLACK_BOT_TOKEN and SLACK_API_URL. With ``--answer`` (B1's closed loop) the listener
also answers: it acks, then posts a short ephemeral message to the command's
response_url, the least any app that answers does.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.http import SlackWsgiApp, make_server, stop_server
from bot.log import configure_logging


def build_app(signing_secret: str, token: str, api_url: str, answer: bool = False) -> App:
    """Bolt with one slash command listener that acknowledges (and answers, if asked)."""
    # Like the bot, it checks its token with auth.test (at the stand-in) once, at start.
    app = App(
        client=WebClient(token=token, base_url=api_url),
        signing_secret=signing_secret,
        logger=logging.getLogger("bare.bolt"),
    )

    if answer:
        @app.command("/actions")
        def ack_then_answer(ack: Ack, respond: Respond) -> None:
            ack()
            # Bolt has already sent the ack; this runs after it, as the bot's work does.
            respond(text="Done.", response_type="ephemeral")
    else:
        @app.command("/actions")
        def only_ack(ack: Ack) -> None:
            ack()

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bare_app")
    parser.add_argument("--answer", action="store_true",
                        help="after the ack, post a short message to the response_url")
    args = parser.parse_args(argv)
    secret, token = os.environ["SLACK_SIGNING_SECRET"], os.environ["SLACK_BOT_TOKEN"]
    configure_logging([secret, token])
    app = build_app(secret, token, os.environ["SLACK_API_URL"], answer=args.answer)
    # The same HTTP stack as the bot's, its signature and timestamp checks included.
    wsgi = SlackWsgiApp(app, health_check=lambda: True, signing_secret=secret)
    server = make_server(wsgi, host="127.0.0.1", port=int(os.environ["PORT"]))
    signal.signal(signal.SIGTERM, lambda *_: stop_server(server))
    with contextlib.suppress(KeyboardInterrupt, OSError):
        server.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
