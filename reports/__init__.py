"""Qt-free report builders: PDF and CSV over domain results."""
