"""Summit Explorer face: Textual app, CLI, SSH serving."""
