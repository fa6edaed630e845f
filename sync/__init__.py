"""Offline sync between laptops through `.srsync` files (issue 9). Qt-free.

`send.export_sync` writes what this database holds; `receive.import_sync`
validates a file completely and then merges it by UUID in one transaction.
Only cli.py and ui/ import this package.
"""
