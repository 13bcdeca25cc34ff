"""Generated consultation inputs in Norwegian-like text, the same on every run (seeded).

Words are drawn from a list of common bokmål words with Zipf-like weights, so independent texts share the small
words and stock phrases real inputs share (the greeting, «Vi viser til høringsbrevet …», the closing), which is what
a too-low threshold would trip over.
"""

from __future__ import annotations

import random

from faker import Faker

_WORD_LIST = """
og i det som er på at for til en av med ikke har vi de skal kan om et den fra eller ved også
behandling pasienter pasienten helsetjenesten retningslinjen utprøvende klinisk studie studier forslaget
høringen foreningen legeforeningen spesialisthelsetjenesten helseforetakene sykehusene fastlegene kommunene
direktoratet helsedirektoratet nasjonal faglig anbefaling anbefalingen anbefalingene kapittel punkt
mener viktig nødvendig tydelig tydeligere bedre god godt gode enig uenig støtter savner foreslår ber
vurdere vurderingen vurderes kunnskapsgrunnlaget dokumentasjon dokumentert effekt effekten bivirkninger
risiko nytte kostnader prioritering prioriteringer likeverdig tilgang tilbud tilbudet ventetid
informasjon samtykke samtykket pårørende brukere brukerne medvirkning etikk etiske juridiske ansvar
ansvaret leger legen sykepleiere personell kompetanse ressurser finansiering oppfølging evaluering
praksis praksisen rutiner system systemet register registeret data forskning forskningen kvalitet
sikkerhet pasientsikkerhet alvorlig sykdom sykdommer kreft sjeldne diagnoser barn eldre voksne
utvalg komité spesialitet fagmiljø fagmiljøene erfaring erfaringer kunnskap usikkerhet usikkert
beslutning beslutninger ordningen ordning dagens framtidig videre arbeid arbeidet utforming innføring
regionale nasjonale internasjonale europeiske nordiske land landet norge utlandet sammenheng
derfor samtidig likevel imidlertid særlig spesielt blant annet dessuten først deretter endelig
må bør vil kunne skulle burde få gi gis gjøre gjøres sikre sikres styrke styrkes unngå ivareta
ivaretas beskrive beskrives omtale omtales presisere presiseres understreke avklare avklares
teksten utkastet høringsnotatet høringsbrevet merknader innspill svar frist tid måneder uker år
"""
WORDS = _WORD_LIST.split()

STOCK = [
    "Vi viser til høringsbrevet om nasjonal faglig retningslinje for utprøvende behandling.",
    "Takk for muligheten til å gi innspill.",
    "Vi har ingen ytterligere merknader til dette punktet.",
    "Vi støtter i hovedsak forslaget, men har noen merknader.",
    "Se for øvrig vedlagte notat.",
]

WORDS_PER_PAGE = 450


def _weights(n: int) -> list[float]:
    return [1 / (rank + 1) ** 0.9 for rank in range(n)]


class TextMaker:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.fake = Faker("no_NO")
        self.fake.seed_instance(seed)
        self.weights = _weights(len(WORDS))

    def sentence(self) -> str:
        tokens = self.random.choices(WORDS, weights=self.weights, k=self.random.randint(8, 20))
        if self.random.random() < 0.3:
            tokens.insert(self.random.randint(1, len(tokens) - 1), "«" + self.random.choice(WORDS) + "»")
        text = " ".join(tokens)
        return text[0].upper() + text[1:] + self.random.choice([".", ".", ".", "?", "!"])

    def paragraph(self) -> str:
        sentences = [self.sentence() for _ in range(self.random.randint(3, 7))]
        if self.random.random() < 0.3:
            sentences.insert(self.random.randint(0, len(sentences)), self.random.choice(STOCK))
        return " ".join(sentences)

    def body(self, pages: float) -> list[str]:
        paragraphs: list[str] = []
        while sum(len(p.split()) for p in paragraphs) < pages * WORDS_PER_PAGE:
            paragraphs.append(self.paragraph())
        return paragraphs

    def greeting(self) -> str:
        return self.random.choice(["Til Den norske legeforening", "Hei,", "Til sekretariatet", "Til foreningen"])

    def signature(self) -> str:
        return f"Med vennlig hilsen\n{self.fake.name()}\nLeder, {self.fake.company()}, {self.fake.city()}"

    def letter(self, paragraphs: list[str]) -> str:
        return "\n\n".join([self.greeting(), STOCK[0], *paragraphs, self.signature()])

    def input_text(self) -> str:
        """An independent input of one to three pages."""
        return self.letter(self.body(self.random.uniform(1, 3)))
