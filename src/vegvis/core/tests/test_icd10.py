import pytest
from hypothesis import given
from hypothesis import strategies as st

from vegvis.core import icd10
from vegvis.core.models import Icd10Supplement


def test_there_are_22_chapters_with_norwegian_titles():
    chapters = icd10.chapters()
    assert len(chapters) == 22
    assert icd10.chapters_by_key()["C00-D48"].title_nb == "Svulster"


@pytest.mark.parametrize(
    ("code", "chapter"),
    [
        ("D48.1", "C00-D48"),
        ("D50", "D50-D89"),
        ("H59.0", "H00-H59"),
        ("H60", "H60-H95"),
        ("S72.0", "S00-T98"),
        ("T84", "S00-T98"),
        ("Y83", "V01-Y98"),
        ("Z31", "Z00-Z99"),
        ("G402", "G00-G99"),
        ("O43.0", "O00-O99"),
    ],
)
def test_codes_map_to_their_chapter(code, chapter):
    assert icd10.chapter_for(code).key == chapter


@pytest.mark.django_db
def test_validation_accepts_both_spellings():
    assert icd10.validate("G40.2") == "G40.2"
    assert icd10.validate("g402") == "G40.2"


@pytest.mark.django_db
def test_unknown_code_gets_a_clear_message():
    with pytest.raises(icd10.Icd10Error, match="not a known ICD-10 code"):
        icd10.validate("Q99.9X")


@pytest.mark.django_db
def test_garbage_gets_a_clear_message():
    with pytest.raises(icd10.Icd10Error, match="not written like"):
        icd10.validate("hello")


@pytest.mark.django_db
def test_local_supplement_extends_the_who_list():
    with pytest.raises(icd10.Icd10Error):
        icd10.validate("U99.0")
    Icd10Supplement.objects.create(code="U99.0", title="Norwegian-only test code")
    assert icd10.validate("U99.0") == "U99.0"


@given(st.text(max_size=12))
def test_chapter_lookup_never_crashes(text):
    icd10.chapter_for(text)
