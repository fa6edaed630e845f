"""The city hub (issue 18): many offices' sync files merged into one PostgreSQL database.

Qt-free, driven from the command line (`main.py hub ...`, hub/cli.py). Each office's
records live in a schema of their own (`office_<code>`) whose tables mirror the laptop's,
so the domain's own functions (the indicator rules, the validation of a file's records,
the merge decisions) run on them unchanged through hub.dialect, the one place where SQL
differs between SQLite and PostgreSQL. The hub itself (offices, trusted computers, files
received) lives in the schema `hub`.
"""
