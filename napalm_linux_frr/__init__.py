"""A NAPALM driver for Linux routers running FRR, strongSwan and kernel GRE."""
