"""The version of clean-reports: what ``--version``, summary.json, SARIF and the cache
name. It is its own module, importing nothing, so that any module can import it (the
package's ``__init__`` imports the Python API lazily, which imports most of the rest)."""

__version__ = "0.2.0"
