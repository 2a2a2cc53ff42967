"""The report source file a clerk edits (``load``: validation of the YAML) and the scaffold
``gongkai new`` writes (``scaffold``); see docs/source-format.md.  Source files are opened by
the one loader, ``gongkai.load.load_source``."""

from gongkai.source.load import ReportSource, SourceError, source_from_yaml

__all__ = ["ReportSource", "SourceError", "source_from_yaml"]
