"""``python -m clean_reports``: the same as the ``clean-reports`` command."""

from .cli import main

main()
