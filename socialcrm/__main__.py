"""``python -m socialcrm`` is the ``socialcrm`` command."""

from socialcrm.cli import main

main()
