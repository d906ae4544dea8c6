"""Papers out: the action log as Word, Excel, CSV and JSON, built from the storage views."""
