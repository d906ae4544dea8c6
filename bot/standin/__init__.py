"""Local Slack stand-in: a fake Web API server and a client that signs requests like Slack."""

from bot.standin.server import FAULTS, Call, SlackStandIn
from bot.standin.signed_client import SendOptions, SignedSlackClient, sign

__all__ = ["FAULTS", "Call", "SendOptions", "SignedSlackClient", "SlackStandIn", "sign"]
