"""Names for automatic themes: the phrases that set a theme's papers apart, as the papers write them.

Terms are ranked c-TF-IDF style (as BERTopic does): a theme's share of a term's weight
against how much of that term every theme holds, so that what every paper of the digest
says ("language models") ranks below what only this theme's papers say. Words of the
field that name no topic on their own (GENERIC_WORDS) never make a label by themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .stopwords import ENGLISH_STOP_WORDS

# Words any machine-learning abstract uses: a term made of these alone names no topic
# ("language models", "fine-tuned LLMs", "training data"), though beside a specific word
# they may ("diffusion models", "preference data").
GENERIC_WORDS = frozenset("""
large language languages model models modeling modelling llm llms lm lms fine-tuned fine-tuning finetuning
tuning tuned paper papers method methods approach approaches framework frameworks performance results
result task tasks data dataset datasets learning neural network networks training trained benchmark
benchmarks propose proposed new novel based using use used study studies work existing improve improves
improved improving state-of-the-art art state of the experiments experimental evaluation evaluate analysis
problem problems settings setting significantly demonstrate effective effectiveness efficient
pre-trained pretrained pre-training pretraining downstream weights parameters features examples prediction
learn learns learned does show shows reveal reveals findings suggest suggests affects case recent years
original enhance enhances finetuned
""".split())
# Verbs abstracts use in every topic ("this approach offers", "which makes"): a phrase
# ending in one is a piece of a sentence, not the name of a topic.
SENTENCE_VERBS = frozenset("""
makes make offers offer provides provide allows allow enables enable leads lead introduces introduce
achieves achieve requires require remains remain yields yield aims aim presents present explores explore
investigates investigate addresses address focuses focus considers consider includes include helps help
gives give takes take becomes become seems seem appears appear exhibits exhibit outperforms outperform
""".split())
LABEL_TERMS = 2  # a title joins the two best distinct terms
DESCRIPTION_TERMS = 4
MAX_TITLE_WORDS = 6
# A label names what the theme's papers share: a term at least this many of its members hold.
MIN_MEMBERS_WITH_TERM = 2
# A lone word written before another word in this share of its uses is a modifier (is_modifier).
MODIFIER_SHARE = 0.6


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def pair_boost(terms: Sequence[str]) -> np.ndarray:
    """Each term's weight in ranking: word pairs name topics ("causal discovery" beats "discovery")."""
    return np.array([1.5 if " " in t else 1.0 for t in terms])


def is_generic(term: str) -> bool:
    """Made only of GENERIC_WORDS: "large language", "LLMs", "fine-tuned models"."""
    def generic(word: str) -> bool:  # "fine-tuned" is listed whole; "state-of-the-art" by its parts
        return word in GENERIC_WORDS or all(part in GENERIC_WORDS for part in word.split("-"))

    return all(generic(w) for w in term.lower().split())


def class_term_scores(matrix: sparse.csr_matrix, groups: Sequence[np.ndarray], boost: np.ndarray) -> np.ndarray:
    """c-TF-IDF: row c scores each term for the papers in groups[c] against the other groups.

    A group's term weight is its share of the group's TF-IDF mass; it is multiplied by
    log(1 + A / f), where f is the term's mass over every group and A a group's mean mass,
    so that a term every group holds gains little.
    """
    mass = np.vstack([np.asarray(matrix[rows].sum(axis=0)).ravel() for rows in groups])
    totals = mass.sum(axis=1, keepdims=True)
    share = mass / np.maximum(totals, 1e-12)
    spread = np.log1p(totals.mean() / np.maximum(mass.sum(axis=0), 1e-12))
    return np.round(share * spread * boost, 9)


def ranked_terms(scores: np.ndarray, held_by: np.ndarray, terms: Sequence[str], count: int) -> list[str]:
    """The best-scoring terms that are not generic and that enough members hold, best first;
    a term adds nothing beside a chosen one that contains it or its plural."""
    order = sorted(np.flatnonzero((scores > 0) & (held_by >= MIN_MEMBERS_WITH_TERM)).tolist(),
                   key=lambda j: (-scores[j], terms[j]))
    chosen: list[str] = []
    stems: list[set[str]] = []
    for j in order:
        if is_generic(terms[j]):
            continue
        words = {_stem(w) for w in terms[j].split()}
        if any(words <= other or other <= words for other in stems):
            continue
        chosen.append(terms[j])
        stems.append(words)
        if len(chosen) == count:
            break
    return chosen


def _term_pattern(term: str) -> re.Pattern[str]:
    """The term's words, separated by spaces or hyphens, not inside a longer word.

    The test that no word character or hyphen comes before the first word is made
    after it, looking back over it: a pattern that starts with a look-behind is tried
    at every place in the text, one that starts with a word only where the word's
    first letter is (a third of the time surface_form took, at 10,000 papers).
    """
    first, *rest = (re.escape(w) for w in term.split())
    words = "".join(rf"[\s-]+{w}" for w in rest)
    return re.compile(rf"{first}(?<![\w-]{first}){words}(?![\w-])", re.IGNORECASE)


class Texts(tuple[str, ...]):
    """A theme's texts with their casefolded forms: a phrase can only match a text whose
    casefolded form holds each of its words, and that substring test is many times
    cheaper than the phrase's pattern (the patterns over every text took most of the
    time of naming themes at 10,000 papers)."""

    folded: tuple[str, ...]
    held: dict[tuple[str, ...], list[str]]

    def __new__(cls, texts: Sequence[str]) -> Texts:
        made = super().__new__(cls, texts)
        made.folded = tuple(text.casefold() for text in made)
        made.held = {}
        return made

    def holding(self, phrase: str) -> list[str]:
        # Naming a theme asks about each phrase several times (its form, what follows it,
        # whether it is a modifier): each set of words is looked for once.
        words = tuple(phrase.casefold().split())
        found = self.held.get(words)
        if found is None:
            found = self.held[words] = [text for text, folded in zip(self, self.folded)
                                        if all(w in folded for w in words)]
        return found


def holding(phrase: str, texts: Sequence[str]) -> Sequence[str]:
    """The texts that may hold the phrase (each of its words, ignoring case): the only ones
    its pattern (_term_pattern) can match in, or the pattern followed by a word."""
    if isinstance(texts, Texts):
        return texts.holding(phrase)
    words = phrase.casefold().split()
    return [text for text in texts if all(w in text.casefold() for w in words)]


def surface_form(term: str, texts: Sequence[str]) -> str | None:
    """The term as the papers write it, or None when it never appears as such.

    TF-IDF pairs words across removed stop words ("ability to produce" gives
    "ability produce"): such a pair names nothing. Capitals are kept where they
    mark a name or an acronym ("LoRA", "SFT", "LLMs"), not where they start a title word.
    """
    pattern = _term_pattern(term)
    forms = Counter(m.group(0) for text in holding(term, texts) for m in pattern.finditer(text))
    if not forms:
        return None
    form = min(forms, key=lambda f: (-forms[f], f))
    words = re.split(r"([\s-]+)", form)
    return "".join(w if any(c.isupper() for c in w[1:]) else w.lower() for w in words)


def completed(phrase: str, texts: Sequence[str]) -> str:
    """The phrase and the word that follows it in at least half of its uses, if one does
    ("causal language" -> "causal language models"), twice at most."""
    for _ in range(2):
        texts = holding(phrase, texts)
        alone = _term_pattern(phrase)
        followed = re.compile(alone.pattern + r"[\s-]+([A-Za-z][\w-]*)", re.IGNORECASE)
        uses = sum(len(alone.findall(t)) for t in texts)
        next_words = Counter(m.group(1).lower() for t in texts for m in followed.finditer(t))
        if not next_words:
            break
        word, count = min(next_words.items(), key=lambda item: (-item[1], item[0]))
        if 2 * count < uses or count < MIN_MEMBERS_WITH_TERM or word in ENGLISH_STOP_WORDS:
            break
        phrase = surface_form(f"{phrase} {word}", texts) or phrase
    return phrase


def is_modifier(phrase: str, texts: Sequence[str]) -> bool:
    """A phrase the papers mostly write before another word ("latent variables", "local
    explanations", "learn causal models"): an adjective or a modifier, which names no topic
    as a title's half. Acronyms and names ("LoRA", "SFT") are never modifiers here."""
    if phrase.split()[-1].lower() in SENTENCE_VERBS:
        return True  # (a piece of a sentence: no topic either)
    if any(c.isupper() for c in phrase[1:]) or phrase.isupper():
        return False
    texts = holding(phrase, texts)
    alone = _term_pattern(phrase)
    followed = re.compile(alone.pattern + r"[ ]+([A-Za-z][\w-]*)", re.IGNORECASE)
    uses = sum(len(alone.findall(t)) for t in texts)
    before_word = sum(1 for t in texts for m in followed.finditer(t) if m.group(1).lower() not in ENGLISH_STOP_WORDS)
    return uses > 0 and before_word >= MODIFIER_SHARE * uses


def noun_after(phrase: str, texts: Sequence[str]) -> str | None:
    """The phrase and the word the papers most often write after it, when that pair is in
    at least MIN_MEMBERS_WITH_TERM uses ("counterfactual" -> "counterfactual explanations")."""
    texts = holding(phrase, texts)
    followed = re.compile(_term_pattern(phrase).pattern + r"[ ]+([A-Za-z][\w-]*)", re.IGNORECASE)
    after = Counter(m.group(1).lower() for t in texts for m in followed.finditer(t)
                    if m.group(1).lower() not in ENGLISH_STOP_WORDS and m.group(1).lower() not in SENTENCE_VERBS)
    if not after:
        return None
    word, count = min(after.items(), key=lambda item: (-item[1], item[0]))
    return surface_form(f"{phrase} {word}", texts) if count >= MIN_MEMBERS_WITH_TERM else None


def distinct_terms(best: Sequence[str], count: int) -> list[str]:
    """The best term, and each next one that shares no word with those chosen, up to count."""
    def words(term: str) -> set[str]:
        return {_stem(w) for w in term.lower().replace("-", " ").split()}

    def squashed(term: str) -> str:  # "fine-tuning" and "finetuning" name one thing
        return re.sub(r"[\s-]+", "", term.lower())

    def initials(term: str) -> str:  # "reinforcement learning" -> "rl"
        return "".join(w[0] for w in term.lower().replace("-", " ").split())

    def distinct(a: str, b: str) -> bool:
        return (not words(a) & words(b) and squashed(a) not in squashed(b) and squashed(b) not in squashed(a)
                and _stem(squashed(a)) != initials(b) and _stem(squashed(b)) != initials(a))

    chosen: list[str] = []
    for term in best:
        if all(distinct(term, c) for c in chosen):
            chosen.append(term)
        if len(chosen) == count:
            break
    return chosen


def title(phrases: Sequence[str]) -> str:
    """"causal discovery", "time series" -> "Causal discovery and time series" (2 to 6 words)."""
    if not phrases:
        return "Other papers"
    first, *rest = phrases[:LABEL_TERMS]
    text = first
    if rest and len(f"{first} {rest[0]}".split()) + 1 <= MAX_TITLE_WORDS:
        text = f"{first} and {rest[0]}"
    elif len(first.split()) < 2:
        text = f"Papers on {first}"  # "LoRA" alone is a word, not a title
    return text[0].upper() + text[1:]


def describe(phrases: Sequence[str]) -> str:
    """One sentence on what the theme's papers share; no count, so it stays true as the theme grows."""
    if not phrases:
        return "Papers that share no distinctive terms with the other themes."
    listed = ", ".join(phrases[:-1]) + f" and {phrases[-1]}" if len(phrases) > 1 else phrases[0]
    return f"Papers on {listed}."
