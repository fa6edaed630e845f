"""Qt-free guard domain: daily supervisor reports, events, incidents."""
