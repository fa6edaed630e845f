"""Qt-free foundation: database, migrations, calendar, errors, messages."""
