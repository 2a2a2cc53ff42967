"""The report source file a clerk edits (``load``) and the scaffold ``gongkai new`` writes
(``scaffold``); see docs/source-format.md."""

from gongkai.source.load import ReportSource, SourceError, load_source, load_source_text

__all__ = ["ReportSource", "SourceError", "load_source", "load_source_text"]
