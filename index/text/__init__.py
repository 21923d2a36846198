"""Words and time expressions as the whole engine sees them: the one fold, the one stemmer,
name variants, and the time-expression rules. Pure functions over text."""
