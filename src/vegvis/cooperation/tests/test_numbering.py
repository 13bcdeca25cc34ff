"""Agreement numbers without gaps: the casework kit's counter, one series per supplier and start year."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from vegvis.access.principal import SYSTEM
from vegvis.audit.services import audited_atomic
from vegvis.cooperation import services
from vegvis.cooperation.tests.support import OTHER_SUPPLIER, make_agreement, supplier, terms

pytestmark = pytest.mark.django_db


def test_each_supplier_counts_its_own_agreements_per_start_year_from_one():
    first, second = make_agreement(), make_agreement()
    other = make_agreement(supplier=supplier(OTHER_SUPPLIER))
    year = first.starts_on.year
    next_year = make_agreement(starts_on=first.starts_on.replace(year=year + 1), ends_on=None)

    own = supplier().pk
    assert [first.number, second.number] == [f"{year}-{own}-0001", f"{year}-{own}-0002"]
    assert other.number == f"{year}-{supplier(OTHER_SUPPLIER).pk}-0001"
    assert next_year.number == f"{year + 1}-{own}-0001"


def test_a_rolled_back_entry_gives_its_number_back():
    make_agreement()
    with pytest.raises(IntegrityError), audited_atomic():
        services.agreement_enter(actor=SYSTEM, data=terms())
        raise IntegrityError("the rest of the transaction failed")
    after = make_agreement()
    assert after.number.endswith("-0002")
