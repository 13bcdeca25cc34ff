"""Screening names in the public journal: every form of a name screens ("SANDVIK, SIGRID", "sigrid sandvik",
"Sandvik" alone, "Sandviks advokat"); a text without the name does not."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vegvis.records.screening import name_parts, names_someone

LETTERS = "abcdefghijklmnopqrstuvwxyzæøåéü"
name_part = st.text(alphabet=LETTERS, min_size=2, max_size=12)
# Words that are never a name part nor a part's genitive: digits and other scripts never match letters-only parts.
other_word = st.text(alphabet="0123456789", min_size=1, max_size=6)


# Pure functions: on a loaded machine the first draws can pause for more than a second, which says nothing of the rule.
LOADED_MACHINE = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def casing(draw, word: str) -> str:
    return draw(st.sampled_from([word, word.upper(), word.title(), word.lower(), word.swapcase()]))


@LOADED_MACHINE
@given(st.data(), name_part, name_part, st.lists(other_word, max_size=3))
def test_every_form_of_the_name_is_screened(data, first, last, noise):
    name = f"{first.title()} {last.title()}"
    forms = [
        f"{casing(data.draw, last)}, {casing(data.draw, first)}",
        f"{casing(data.draw, first)} {casing(data.draw, last)}",
        casing(data.draw, last),
        casing(data.draw, first),
        f"Advokat {casing(data.draw, last)}s kontor",
    ]
    for form in forms:
        text = " ".join([*noise, form, *noise])
        assert names_someone(text, [name]), (text, name)


@LOADED_MACHINE
@given(name_part, name_part, st.lists(other_word, min_size=1, max_size=4))
def test_a_correspondent_without_the_name_is_not_screened(first, last, words):
    assert not names_someone(" ".join(words), [f"{first} {last}"])


def test_short_parts_and_empty_names_screen_nothing():
    assert name_parts(["Ø Li", "", "K. Berg"]) == {"li", "berg"}
    assert not names_someone("Ø", ["Ø"])
    assert not names_someone("Rikshospitalet", [])
    assert not names_someone("", ["Kari Nordmann"])


def test_compatibility_forms_and_accents_are_folded():
    assert names_someone("ﬁnn ÅSEN", ["Finn Åsen"])
    assert names_someone("NORDMANN", ["nordmann"])
