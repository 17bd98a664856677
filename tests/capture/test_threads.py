"""Repeated requests and verbosity (capture/threads.py), pure."""

from hypothesis import given
from hypothesis import strategies as st

from capture.threads import LONG_WORDS, SHORT_WORDS, asks_again, verbosity

ASK = "Could you send us the SOC 2 report for our security review this quarter?"


def test_saying_it_is_a_follow_up_is_asking_again():
    assert asks_again("Following up on this, please.", [ASK])
    assert asks_again("We are still waiting for an answer.", [ASK])
    assert asks_again("As I asked last week: where is it?", [ASK])


def test_the_same_request_in_much_the_same_words_is_asking_again():
    assert asks_again("Could you send the SOC 2 report for our security review?", [ASK])


def test_a_different_question_is_not_asking_again():
    assert not asks_again("Can we move Tuesday's training to Thursday afternoon instead?", [ASK])


@given(st.text())
def test_without_an_earlier_message_nothing_is_asked_again(text):
    assert not asks_again(text, [])
    assert not asks_again(text, ["", "   "])


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_verbosity_grows_with_the_words(fewer, more):
    order = ["short", "normal", "long"]
    fewer, more = sorted((fewer, more))

    assert order.index(verbosity(fewer)) <= order.index(verbosity(more))


def test_verbosity_thresholds():
    assert verbosity(SHORT_WORDS - 1) == "short"
    assert verbosity(SHORT_WORDS) == verbosity(LONG_WORDS) == "normal"
    assert verbosity(LONG_WORDS + 1) == "long"
