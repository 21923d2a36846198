"""The explorer: the Textual app, its commands, session, screens and widgets (Textual only)."""
