"""What the user keeps per corpus apart from the index: saved searches, marks, own dates."""
