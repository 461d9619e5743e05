"""clean-reports: strip reseller watermarks from corpora of Chinese report documents."""

__version__ = "0.1.0"
