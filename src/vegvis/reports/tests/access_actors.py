"""The access matrix's user for the reports module's role (see vegvis.testing.access_matrix)."""

from vegvis.testing.access_matrix import Actor

ACTORS = {"network_analyst": Actor("network_analyst", order=50)}
