"""`actionlog console`: the real bot against a local Slack stand-in, driven from a terminal."""
