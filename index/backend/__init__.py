"""The seam between the engine and the engines that hold passages (PassageIndex).
`backend.whoosh` is the embedded default and the only package that imports whoosh."""
