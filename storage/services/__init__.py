"""Service functions: the only code that changes records.

Each takes an open session (``session=``) and the workspace (``team_id=``); the caller
owns the transaction, so one request or job is one commit.
"""
