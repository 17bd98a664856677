"""How a captured message sounds, on Rapport's interaction scale -2..+2.

VADER (vaderSentiment) scores the author's own words (capture.messages gives them quote- and
signature-stripped). Its lexicon ships inside the package: nothing is downloaded at run time.
Its `compound` score, from -1 to +1, becomes the interaction's sentiment by these thresholds:

    compound <= -0.6  ->  -2   (very negative)
    compound <= -0.2  ->  -1
    compound <   0.2  ->   0   (neutral; also an empty text)
    compound <   0.6  ->  +1
    otherwise         ->  +2   (very positive)

VADER was built on social media, where nobody writes about contracts; a few words that mean
trouble in customer success are missing from its lexicon and would score neutral ("We are
considering termination of the contract." scores 0.0 out of the box). `DOMAIN_LEXICON` adds them,
with valences on VADER's own -4..+4 scale, weighed against words it has ("frustrated" -2.4,
"risk" -1.1, "cancel" -1.0). And "please" (+1.3 in VADER) is politeness in business mail, not
a feeling: without the change "Please find the agenda attached." would score +1.
"""

from functools import cache

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    SentiText,
    scalar_inc_dec,
)

DOMAIN_LEXICON = {
    "termination": -2.0,
    "terminate": -2.0,
    "terminating": -2.0,
    "cancellation": -1.5,
    "churn": -1.5,
    "churning": -1.5,
    "outage": -1.8,
    "outages": -1.8,
    "downtime": -1.5,
    "escalate": -1.2,
    "escalation": -1.2,
    "escalating": -1.2,
    "please": 0.0,
    # Words of the trade that VADER reads as warm: a customer asking for support or help, or
    # about security, says nothing about how they feel ("Please help, the export is broken").
    "support": 0.0,
    "help": 0.0,
    "helping": 0.0,
    "security": 0.0,
    "secure": 0.0,
    "share": 0.0,
    "free": 0.0,
    # Trouble VADER does not know.
    "bug": -1.2,
    "bugs": -1.2,
    "crashes": -1.7,
    "crashing": -1.7,
    "slow": -0.8,
}
THRESHOLDS = ((-0.6, -2), (-0.2, -1))  # compound at or below -> sentiment
POSITIVE = ((0.6, 2), (0.2, 1))  # compound at or above -> sentiment


_NEGATE = frozenset(NEGATE)


class Analyzer(SentimentIntensityAnalyzer):
    """VADER's analyzer, its scores unchanged, reading a text written in ASCII (nearly all
    business mail) at about twice the speed: its rules lower-case every word of the text once
    for each sentiment-laden word they look around (three times, and five lists for an idiom),
    and copy the text a character at a time looking for emojis, of which none is ASCII. Here
    each word is lower-cased once, and the rules below are VADER 3.3.2's, step for step, on
    those words (`tests/capture/test_sentiment.py` holds them to VADER's own answers). Other
    texts go through VADER as it is."""

    def polarity_scores(self, text):
        if not text.isascii():
            return super().polarity_scores(text)
        text = text.strip()  # what VADER's emoji pass leaves of an ASCII text
        sentitext = SentiText(text)
        words = sentitext.words_and_emoticons
        lower = [word.lower() for word in words]
        sentiments = []
        for i, item in enumerate(lower):
            if item in BOOSTER_DICT or (
                i < len(lower) - 1 and item == "kind" and lower[i + 1] == "of"
            ):
                sentiments.append(0)
            else:
                sentiments.append(self._valence(words, lower, sentitext.is_cap_diff, i))
        sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)

    def _valence(self, words, lower, is_cap_diff, i):
        """VADER's sentiment_valence of word i."""
        lexicon, item = self.lexicon, lower[i]
        if item not in lexicon:
            return 0
        valence = lexicon[item]
        if item == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ["or", "nor"])
        ):
            valence = lexicon[item] * N_SCALAR
        if words[i].isupper() and is_cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(3):
            if i > start_i and lower[i - (start_i + 1)] not in lexicon:
                s = scalar_inc_dec(words[i - (start_i + 1)], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _negation_check(valence, lower, start_i, i)
                if start_i == 2:
                    valence = _special_idioms_check(valence, lower, i)
        return _least_check(valence, lower, i, lexicon)


def _negated(word: str) -> bool:
    """VADER's negated([word]) for a lower-case word."""
    return word in _NEGATE or "n't" in word


def _negation_check(valence, lower, start_i, i):
    """VADER's _negation_check on the lower-cased words."""
    if start_i == 0 and _negated(lower[i - 1]):
        valence = valence * N_SCALAR
    if start_i == 1:
        if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if (
            lower[i - 3] == "never"
            and (lower[i - 2] == "so" or lower[i - 2] == "this")
            or (lower[i - 1] == "so" or lower[i - 1] == "this")
        ):
            valence = valence * 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _negated(lower[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence, lower, i):
    """VADER's _special_idioms_check on the lower-cased words."""
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _least_check(valence, lower, i, lexicon):
    """VADER's _least_check on the lower-cased words."""
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


@cache
def analyzer() -> SentimentIntensityAnalyzer:
    """The one analyzer, built on first use (it reads its lexicon files) with the domain words."""
    built = Analyzer()
    built.lexicon.update(DOMAIN_LEXICON)
    return built


def compound(text: str) -> float:
    """VADER's compound score of a text, from -1 to +1; 0 for an empty one."""
    if not text.strip():
        return 0.0
    return analyzer().polarity_scores(text)["compound"]


def sentiment(text: str) -> int:
    """A text's sentiment on the interaction scale -2..+2 (thresholds in the module's doc)."""
    score = compound(text)
    for limit, value in THRESHOLDS:
        if score <= limit:
            return value
    for limit, value in POSITIVE:
        if score >= limit:
            return value
    return 0
