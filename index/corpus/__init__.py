"""The articles as files: finding them, decoding, the one id rule, parsing (front matter,
HTML, datelines), and watching the folder. Knows nothing of indexes."""
