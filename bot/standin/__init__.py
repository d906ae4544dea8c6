"""Local Slack stand-in: a fake Web API server (`server`) and a client that signs requests
like Slack (`signed_client`, which needs `requests` from the dev extras).

Import the modules directly; nothing is imported here so that a plain install, which
lacks `requests`, can still use the server (the console does).
"""
