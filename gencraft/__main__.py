"""``python -m gencraft`` is the ``gencraft`` command."""
from .cli import main

main()
