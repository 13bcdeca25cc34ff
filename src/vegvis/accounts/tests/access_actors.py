"""The access matrix's users for the shared roles (see vegvis.testing.access_matrix)."""

from vegvis.testing.access_matrix import Actor

ACTORS = {
    "system_administrator": Actor("system_administrator", order=60),
    "privacy_officer": Actor("privacy_officer", order=70),
}
