"""gongkai — China's government-information-disclosure annual reports as exact data."""

__version__ = "0.1.0"
PARSER_VERSION = "1"
