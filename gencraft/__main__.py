"""``python -m gencraft`` is the ``gencraft`` command."""
from gencraft.cli import main

main()
