"""Near-duplicate grouping: planted campaign copies among 500 generated inputs, the rules for short and empty
texts, and properties against a brute-force oracle (every pair compared exactly)."""

from __future__ import annotations

import random
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vegvis.consultations import similarity
from vegvis.consultations.similarity import SHORT_WORDS, THRESHOLD, group_near_duplicates
from vegvis.consultations.tests.texts import STOCK, TextMaker


def campaign_copies(maker: TextMaker) -> tuple[list[str], list[str]]:
    """A campaign text of about a page and three copies as bodies send it: each with its own greeting and
    signature, the second with one sentence rewritten, the third with one sentence rewritten and one added."""
    paragraphs = maker.body(1)
    first = maker.letter(paragraphs)
    second_paragraphs = list(paragraphs)
    sentences = second_paragraphs[1].split(". ")
    sentences[1] = "Vi mener kapittel fem må skrives om slik at pasientens samtykke kommer først"
    second_paragraphs[1] = ". ".join(sentences)
    second = maker.letter(second_paragraphs)
    third_paragraphs = list(paragraphs)
    sentences = third_paragraphs[0].split(". ")
    sentences[0] = "Vår avdeling har lang erfaring med utprøvende behandling av barn med sjeldne diagnoser"
    third_paragraphs[0] = ". ".join(sentences)
    third_paragraphs.append("Vi ber om at fagmiljøene i regionene blir hørt før retningslinjen blir endelig.")
    third = maker.letter(third_paragraphs)
    return [first, second, third], paragraphs


def test_three_planted_near_duplicates_among_500_inputs_are_the_one_group() -> None:
    maker = TextMaker(seed=2025)
    copies, campaign = campaign_copies(maker)
    # A body that quotes a paragraph of the campaign inside two pages of its own is not a copy.
    quoting = maker.letter([*maker.body(1), campaign[2], *maker.body(1)])
    texts = [maker.input_text() for _ in range(496)] + [quoting]
    planted_at = sorted(random.Random(7).sample(range(len(texts) + 3), 3))
    for position, copy in zip(planted_at, copies, strict=True):
        texts.insert(position, copy)
    assert len(texts) == 500
    assert all(len(text.split()) >= 450 for text in texts)
    assert max(len(text.split()) for text in texts) > 1200
    items = [(f"innspill-{number:04d}", text) for number, text in enumerate(texts, start=1)]

    groups = group_near_duplicates(items)

    assert groups == [[f"innspill-{position + 1:04d}" for position in planted_at]]
    # The figures the documentation gives for such copies and for a quoting input.
    assert all(similarity.similarity(a, b) > 0.7 for a in copies for b in copies)
    assert similarity.similarity(quoting, copies[0]) < 0.1


def test_identical_texts_are_grouped_whatever_their_case_punctuation_and_spacing() -> None:
    text = TextMaker(seed=1).input_text()
    shouted = text.upper().replace(" ", "  \n ").replace(".", "!!")
    other = TextMaker(seed=2).input_text()

    assert group_near_duplicates([(3, other), (2, shouted), (1, text), (4, text)]) == [[1, 2, 4]]
    assert similarity.similarity(text, shouted) == 1.0


def test_a_text_with_its_paragraphs_in_another_order_is_grouped_with_it() -> None:
    paragraphs = TextMaker(seed=3).body(2)
    reordered = list(reversed(paragraphs))
    reordered[0], reordered[2] = reordered[2], reordered[0]

    assert group_near_duplicates([("a", "\n\n".join(paragraphs)), ("b", "\n\n".join(reordered))]) == [["a", "b"]]
    assert similarity.similarity("\n\n".join(paragraphs), "\n\n".join(reordered)) > 0.95


def test_short_texts_are_grouped_only_when_they_have_the_same_words_in_the_same_order() -> None:
    support = "Vi støtter forslaget og har ingen ytterligere merknader."
    assert len(support.split()) < SHORT_WORDS
    items = [
        (1, support),
        (2, "VI STØTTER FORSLAGET, og har ingen ytterligere merknader!"),
        (3, "Vi støtter ikke forslaget og har ingen ytterligere merknader."),
        (4, "Vi støtter forslaget og har ingen ytterligere merknader til punkt 3."),
        # A long text that begins with the short one is another text.
        (5, support + " " + TextMaker(seed=4).input_text()),
    ]

    assert group_near_duplicates(items) == [[1, 2]]
    # The long measure would have joined 1 and 4 (6 of 9 shingles shared): short texts are held to identity.
    assert similarity.similarity(support, items[3][1]) >= THRESHOLD


def test_texts_without_words_are_never_grouped() -> None:
    assert group_near_duplicates([(1, ""), (2, "   \n"), (3, "– … ?"), (4, "")]) == []
    assert similarity.similarity("", "") == 0.0


def test_norwegian_letters_are_letters_and_one_å_is_one_å() -> None:
    decomposed = unicodedata.normalize("NFD", "Vi bør få på plass en ordning for pårørende.")
    assert decomposed != "Vi bør få på plass en ordning for pårørende."
    assert similarity.normalise(decomposed) == "vi bør få på plass en ordning for pårørende"
    assert similarity.normalise("Æ Ø Å «sitat» § 3–4 e-post") == "æ ø å sitat 3 4 e post"
    assert similarity.similarity("Vi bor her nå", "Vi bør her nå") < 1.0


def test_groups_are_sorted_and_come_in_the_order_of_their_first_key_whatever_the_input_order() -> None:
    maker = TextMaker(seed=5)
    a, b, c = maker.input_text(), maker.input_text(), maker.input_text()
    items = [("k", a), ("c", b), ("x", c), ("b", a), ("z", b), ("a", c)]
    expected = [["a", "x"], ["b", "k"], ["c", "z"]]

    assert group_near_duplicates(items) == expected
    for seed in range(5):
        shuffled = list(items)
        random.Random(seed).shuffle(shuffled)
        assert group_near_duplicates(shuffled) == expected


def test_the_threshold_and_the_keys_are_checked() -> None:
    with pytest.raises(ValueError, match="threshold"):
        group_near_duplicates([(1, "a")], threshold=0.1)
    with pytest.raises(ValueError, match="threshold"):
        group_near_duplicates([(1, "a")], threshold=1.01)
    with pytest.raises(ValueError, match="unique"):
        group_near_duplicates([(1, "a"), (1, "b")])
    assert group_near_duplicates([]) == []


def test_the_banding_misses_a_pair_at_the_threshold_with_the_probability_the_documentation_gives() -> None:
    def candidate(s: float) -> float:
        return 1 - (1 - s**similarity.ROWS) ** similarity.BANDS

    assert similarity.BANDS * similarity.ROWS == similarity.NUM_PERM
    assert 1 - candidate(THRESHOLD) < 1e-7
    assert 1 - candidate(0.4) < 2e-5
    assert 1 - candidate(similarity.MIN_THRESHOLD) < 3e-3


# ---------------------------------------------------------------- properties

VOCABULARY = ["vi", "støtter", "ikke", "forslaget", "pasienter", "behandling", "bør", "må", "og", "i", "æøå", "på"]


@st.composite
def families(draw: Any) -> list[str]:
    """A few texts edited from one base (so similarities spread over 0–1), and a few written apart."""
    base = [draw(st.sampled_from(VOCABULARY)) for _ in range(draw(st.integers(0, 80)))]
    texts = []
    for _ in range(draw(st.integers(1, 5))):
        tokens = list(base)
        for _ in range(draw(st.integers(0, 8))):
            position = draw(st.integers(0, len(tokens)))
            edit = draw(st.sampled_from(["insert", "replace", "delete"]))
            if edit == "insert" or position == len(tokens):
                tokens.insert(position, draw(st.sampled_from(VOCABULARY)))
            elif edit == "replace":
                tokens[position] = draw(st.sampled_from(VOCABULARY))
            else:
                del tokens[position]
        texts.append(" ".join(tokens))
    texts += draw(st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=70).map(" ".join), max_size=3))
    return texts


def oracle(texts: list[str], threshold: float) -> list[list[int]]:
    """The groups as the documentation defines them, every pair compared exactly."""
    counts = [len(similarity.words(text)) for text in texts]
    linked = {
        (i, j)
        for i in range(len(texts))
        for j in range(i + 1, len(texts))
        if (s := similarity.similarity(texts[i], texts[j])) == 1.0
        or (s >= threshold and min(counts[i], counts[j]) >= SHORT_WORDS)
    }
    groups: list[set[int]] = []
    for i in range(len(texts)):
        group = {i}
        for other in [g for g in groups if any((min(i, k), max(i, k)) in linked for k in g)]:
            group |= other
            groups.remove(other)
        groups.append(group)
    return sorted(sorted(group) for group in groups if len(group) > 1)


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(texts=families(), threshold=st.floats(0.5, 1.0))
def test_the_groups_are_those_of_every_pair_compared_exactly(texts: list[str], threshold: float) -> None:
    assert group_near_duplicates(list(enumerate(texts)), threshold) == oracle(texts, threshold)


@PROPERTY_SETTINGS
@given(texts=families(), low=st.floats(similarity.MIN_THRESHOLD, 1.0), high=st.floats(similarity.MIN_THRESHOLD, 1.0))
def test_a_higher_threshold_only_splits_groups(texts: list[str], low: float, high: float) -> None:
    low, high = sorted((low, high))
    coarse = [set(group) for group in group_near_duplicates(list(enumerate(texts)), low)]
    for group in group_near_duplicates(list(enumerate(texts)), high):
        assert any(set(group) <= bigger for bigger in coarse)


@PROPERTY_SETTINGS
@given(a=st.text(), b=st.text())
def test_similarity_is_symmetric_and_between_0_and_1(a: str, b: str) -> None:
    assert similarity.similarity(a, b) == similarity.similarity(b, a)
    assert 0.0 <= similarity.similarity(a, b) <= 1.0


@PROPERTY_SETTINGS
@given(text=st.text(), others=st.lists(st.text(), max_size=4), threshold=st.floats(similarity.MIN_THRESHOLD, 1.0))
def test_a_text_is_grouped_with_its_copy(text: str, others: list[str], threshold: float) -> None:
    items = [("original", text), *((f"other-{n}", other) for n, other in enumerate(others)), ("copy", text)]
    groups = group_near_duplicates(items, threshold)

    if similarity.words(text):
        assert any({"original", "copy"} <= set(group) for group in groups)
        assert similarity.similarity(text, text) == 1.0
    else:
        assert all("original" not in group for group in groups)


def test_the_stock_phrases_alone_do_not_make_inputs_alike() -> None:
    """Two inputs that share the greeting line and every stock sentence, with their own text between."""
    maker = TextMaker(seed=6)
    first = maker.letter([*STOCK, *maker.body(1)])
    second = maker.letter([*STOCK, *maker.body(1)])
    assert similarity.similarity(first, second) < 0.05
    assert group_near_duplicates([(1, first), (2, second)]) == []
