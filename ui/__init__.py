"""PySide6 screens over the Qt-free domain. Screens call domain functions, never SQL."""
