"""`summit serve`: the explorer over SSH (never imports Textual; asyncssh only in `server`)."""
