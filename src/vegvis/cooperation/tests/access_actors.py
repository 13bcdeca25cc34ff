"""The access matrix's users for the cooperation register's roles: an administrator, a supplier's user and a
patient organisation's user of the agreements the expectations build, and a user of another supplier and of
another organisation, who see none of them."""

from vegvis.cooperation.tests.support import ORGANISATION, OTHER_ORGANISATION, OTHER_SUPPLIER, SUPPLIER
from vegvis.testing.access_matrix import Actor

ACTORS = {
    "cooperation_administrator": Actor("cooperation_administrator", order=90),
    "supplier_user": Actor("supplier_user", organisation=SUPPLIER, organisation_kind="supplier", order=91),
    "supplier_user_other": Actor("supplier_user", organisation=OTHER_SUPPLIER, organisation_kind="supplier", order=92),
    "patient_organisation_user": Actor("patient_organisation_user", organisation=ORGANISATION, order=93),
    "patient_organisation_user_other": Actor("patient_organisation_user", organisation=OTHER_ORGANISATION, order=94),
}
