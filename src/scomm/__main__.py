"""`python -m scomm` is the `scomm` command."""

from scomm.cli import main

main()
