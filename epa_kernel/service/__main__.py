"""``python -m epa_kernel.service``: the store service, as the hub starts it."""

from epa_kernel.service.server import main

main()
