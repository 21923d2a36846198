"""From the query the user typed to ranked passages: the query language, planning,
spelling fallbacks, highlighting, and the search evaluation."""
