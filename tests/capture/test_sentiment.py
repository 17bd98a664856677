"""How a captured message sounds (capture.sentiment): VADER's compound score on the interaction
scale -2..+2, with a few customer-success words it lacks."""

import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

from capture import sentiment as module
from capture.sentiment import DOMAIN_LEXICON, analyzer, sentiment
from tests.fuzz import FUZZ

NEGATIVE = "We are considering termination of the contract."
SENTENCES = [
    "Please find the agenda for Tuesday attached.",
    "The meeting is at ten in the second floor room.",
    "Our team reviewed the quarterly numbers.",
    "Thanks, the new dashboard is really great!",
    "We love how quickly your team answered.",
    "The export failed again and we are frustrated.",
    "This is the third time we ask for the same fix.",
    "Can you send the invoice to our finance team?",
]


def test_sentiment_of_empty_text_is_zero():
    assert sentiment("") == 0
    assert sentiment(" \n\t ") == 0


def test_sentiment_considering_termination_is_negative():
    assert sentiment(NEGATIVE) == -1
    assert sentiment("considering termination") == -1


@pytest.mark.parametrize(
    "text",
    [
        "We will terminate the contract at the end of the term.",
        "We need to discuss the cancellation of our plan.",
        "Several teams could churn next quarter.",
        "The outage stopped our warehouse for a day.",
        "The downtime last week cost us orders.",
        "We need to escalate this to your management.",
        "This is an escalation.",
        "We are frustrated.",
        "Our renewal is at risk.",
        "Please help, the export is broken again.",
        "The bug in the export is still there after a week.",
        "The dashboard keeps crashing and is very slow.",
    ],
)
def test_sentiment_customer_success_trouble_is_negative(text):
    assert sentiment(text) < 0


def test_sentiment_domain_words_are_in_the_lexicon():
    lexicon = analyzer().lexicon

    assert all(lexicon[word] == valence for word, valence in DOMAIN_LEXICON.items())


@pytest.mark.parametrize(
    "text",
    [
        "Could you send us the SSO certificate for the security review?",
        "We opened a support ticket about the export.",
        "Please share the agenda, and feel free to add topics.",
    ],
)
def test_sentiment_asking_for_support_or_help_is_not_warm(text):
    assert sentiment(text) == 0


def test_sentiment_politeness_is_neutral():
    assert sentiment("Please find the agenda attached.") == 0


def test_sentiment_warm_thanks_is_positive():
    assert sentiment("Thanks so much, the new dashboard is really great!") == 2


@pytest.mark.parametrize(
    ("score", "expected"),
    [(-1.0, -2), (-0.6, -2), (-0.59, -1), (-0.2, -1), (-0.19, 0), (0.0, 0), (0.19, 0),
     (0.2, 1), (0.59, 1), (0.6, 2), (1.0, 2)],
)  # fmt: skip
def test_sentiment_thresholds(monkeypatch, score, expected):
    monkeypatch.setattr(module, "compound", lambda text: score)

    assert sentiment("anything") == expected


@given(st.lists(st.sampled_from(SENTENCES), max_size=6))
def test_sentiment_a_negative_sentence_never_raises_it(sentences):
    text = " ".join(sentences)

    assert sentiment(f"{text} {NEGATIVE}") <= sentiment(text)


def test_analyzer_is_built_once():
    assert analyzer() is analyzer()


def test_analyzer_needs_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    scores = SentimentIntensityAnalyzer().polarity_scores("The export is broken again.")

    assert scores["compound"] < 0


def stock_analyzer() -> SentimentIntensityAnalyzer:
    stock = SentimentIntensityAnalyzer()
    stock.lexicon.update(DOMAIN_LEXICON)
    return stock


STOCK = stock_analyzer()
# Words that make VADER's rules fire: sentiment-laden words, boosters, negations, the words of
# its idioms and of "but", "no ... or", "kind of", "least", "never so", "without doubt".
_ALSO = "no or nor but kind of least at very never so this without doubt the we mayn't"
RULE_WORDS = sorted(
    {*list(STOCK.lexicon)[::40], *DOMAIN_LEXICON, *BOOSTER_DICT, *NEGATE, *_ALSO.split()}
    | {word for idiom in SPECIAL_CASES for word in idiom.split()}
)
TOKEN = st.tuples(
    st.sampled_from(RULE_WORDS),
    st.booleans(),  # in capitals
    st.sampled_from(["", "", ",", ".", "!", "?", "!!", ":)"]),
).map(lambda token: (token[0].upper() if token[1] else token[0]) + token[2])


@FUZZ
@given(st.lists(TOKEN, min_size=1, max_size=30).map(" ".join))
def test_analyzer_scores_ascii_text_as_vader_does(text):
    assert analyzer().polarity_scores(text) == STOCK.polarity_scores(text)


@pytest.mark.parametrize(
    "text",
    [
        *SENTENCES,
        NEGATIVE,
        "  We are not happy, but the team is VERY helpful!!  ",
        "It was kind of good, at least not bad. Never so great, without doubt.",
        "No problem or issue at all. The bomb, the shit! Yeah right.",
        "It mayn't be good, we couldn't've been happier.",
        "Grüße: das ist sehr gut 😀 and we love it",  # not ASCII: VADER itself reads it
        "",
        "   ",
    ],
)
def test_analyzer_scores_these_texts_as_vader_does(text):
    assert analyzer().polarity_scores(text) == STOCK.polarity_scores(text)
