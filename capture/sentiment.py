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

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

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


@cache
def analyzer() -> SentimentIntensityAnalyzer:
    """The one analyzer, built on first use (it reads its lexicon files) with the domain words."""
    built = SentimentIntensityAnalyzer()
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
