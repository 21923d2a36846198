"""Summit Explorer engine: corpus loading, analysis, whoosh index, search, timeline."""
