"""Near-duplicate inputs: identical or nearly identical texts (a campaign sent by many bodies) grouped for the
secretariat.

**Measure.** Each text is normalised (Unicode NFKC, case folded, and every run of characters other than letters and
digits, i.e. punctuation, symbols, control characters and whitespace, made one space; letters such as æ, ø and å
are kept, and an «a» followed by a combining ring becomes «å») and cut into its set of overlapping 3-word
sequences (*shingles*). The similarity of two texts is the Jaccard index of their shingle sets: shared shingles
divided by all distinct shingles of the two. It is 1 for texts that differ only in case, punctuation or spacing,
and close to 0 for two texts written independently, even on the same subject (they share a few stock phrases, not
runs of three words throughout). Paragraphs in another order lose only the shingles that span a paragraph
boundary.

**Threshold.** Two texts are near-duplicates when their similarity is at least :data:`THRESHOLD` (0.5). A campaign
text of a page with another greeting, another signature and one sentence rewritten keeps about 0.8; a body that
quotes a paragraph of the campaign inside two pages of its own text stays under 0.1; texts written apart stay under
0.05 (measured in the tests, docs/modules/consultations.md). Half of all distinct shingles shared leaves room for a
campaign copy with a third of its sentences edited while staying ten times above what independent texts reach.

**Short texts.** A text of fewer than :data:`SHORT_WORDS` words (about two sentences) has too few shingles for the
index to mean much, and one word more or less can turn it around («støtter» / «støtter ikke»): a short text is
grouped only with texts that have the same shingles, i.e. similarity 1 (the same words in the same order, up to
case, punctuation and spacing). A text with no words at all (input that is only an attachment) is never grouped.

**Groups.** Pairs at or above the threshold are joined into groups as connected components (union-find): if A is
like B and B like C, all three are one group even if A and C are further apart.

**Speed.** Comparing every pair of 500 inputs of a few pages (125 000 pairs of sets of about a thousand shingles) is
what MinHash with locality-sensitive hashing avoids: each text gets a 128-value MinHash signature (datasketch), the
signatures are split into 64 bands of 2 values, and only texts that agree on a whole band in some band become
candidates; the exact Jaccard index of each candidate pair then decides. A pair with similarity *s* becomes a
candidate with probability 1 − (1 − s²)⁶⁴: at s = 0.5 it is missed with probability 0.75⁶⁴ ≈ 10⁻⁸, at s = 0.4
about 10⁻⁵, at the lowest threshold allowed (0.3) about 0.2 %. Hashing is seeded, so the same inputs always give
the same groups. Time grows with the total length of the texts plus the number of candidate pairs (a few per text
for unrelated texts); memory is the shingle sets and 128 numbers per text.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Hashable, Sequence
from typing import Any, Protocol, TypeVar

from datasketch import MinHash, MinHashLSH

SHINGLE_WORDS = 3
THRESHOLD = 0.5
MIN_THRESHOLD = 0.3
SHORT_WORDS = 25

# MinHash signature and LSH banding (see the module's docstring for the probabilities); the seed keeps the
# permutations, and so the candidate pairs, the same from run to run. Shingles are hashed with CRC-32, a tenth of
# the time of datasketch's default SHA-1 and as good here: datasketch scrambles each 32-bit value (MurmurHash3's
# finaliser) before its permutations, and the exact Jaccard index, not the hash, decides every pair.
NUM_PERM = 128
BANDS, ROWS = 64, 2
SEED = 1

_NOT_WORD = re.compile(r"[\W_]+")  # everything but letters and digits (Unicode)


class _Sortable(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Sortable)


def normalise(text: str) -> str:
    """The text as it is compared: NFKC, case folded, every run of characters other than letters and digits
    (punctuation, symbols, control characters, whitespace) one space."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return _NOT_WORD.sub(" ", folded).strip()


def words(text: str) -> list[str]:
    return normalise(text).split()


def shingles(text: str) -> frozenset[str]:
    """The text's overlapping 3-word sequences (a text of one or two words: those words as its one shingle)."""
    return _shingles(words(text))


def _shingles(tokens: list[str]) -> frozenset[str]:
    if not tokens:
        return frozenset()
    if len(tokens) < SHINGLE_WORDS:
        return frozenset([" ".join(tokens)])
    return frozenset(map(" ".join, zip(*(tokens[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def similarity(a: str, b: str) -> float:
    """The similarity of two texts as the grouping measures it (0–1), for showing beside a group. Two texts
    without any words have similarity 0: an empty input is like no other."""
    return jaccard(shingles(a), shingles(b))


def percent_text(value: float) -> str:
    """A similarity as a whole percentage the Norwegian way, «84 %» (a non-breaking space before the sign), rounded
    down so that only identical texts show 100 %."""
    return f"{int(value * 100 + 1e-9)}\u00a0%"


class _Components:
    """Union-find over 0..n-1 (path halving; the smaller index is the root, so the result does not depend on
    the order pairs are found in)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def group_near_duplicates(items: Sequence[tuple[K, str]], threshold: float = THRESHOLD) -> list[list[K]]:
    """The groups of two or more items whose texts are near-duplicates (similarity ≥ ``threshold``, short texts
    only when identical; see the module's docstring), each group's keys sorted, the groups sorted by their first
    key. Keys must be unique; ``threshold`` lies between :data:`MIN_THRESHOLD` and 1."""
    if not MIN_THRESHOLD <= threshold <= 1:
        raise ValueError(f"threshold must lie between {MIN_THRESHOLD} and 1")
    keys = [key for key, _ in items]
    if len(set(keys)) != len(keys):
        raise ValueError("keys must be unique")

    sets: list[frozenset[str]] = []
    components = _Components(len(items))
    first_with: dict[frozenset[str], int] = {}  # identical shingle sets: joined here, signed once below
    to_sign: list[int] = []
    for index, (_, text) in enumerate(items):
        tokens = words(text)
        shingle_set = _shingles(tokens)
        sets.append(shingle_set)
        if not shingle_set:
            continue
        first = first_with.setdefault(shingle_set, index)
        if first != index:
            components.union(first, index)
        elif len(tokens) >= SHORT_WORDS:
            to_sign.append(index)

    signatures = MinHash.bulk(
        ([shingle.encode("utf-8") for shingle in sets[index]] for index in to_sign),
        num_perm=NUM_PERM,
        seed=SEED,
        hashfunc=zlib.crc32,
    )
    index_of_signature = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    for index, signature in zip(to_sign, signatures, strict=True):
        index_of_signature.insert(index, signature, check_duplication=False)
    for index, signature in zip(to_sign, signatures, strict=True):
        for other in index_of_signature.query(signature):
            if other > index and jaccard(sets[index], sets[other]) >= threshold:
                components.union(index, other)

    members: dict[int, list[K]] = {}
    for index, key in enumerate(keys):
        members.setdefault(components.find(index), []).append(key)
    return sorted((sorted(group) for group in members.values() if len(group) > 1), key=lambda group: group[0])
