"""Coverage flags: single-threaded, no decision-maker coverage, champion left."""

from hypothesis import given
from hypothesis import strategies as st

from relationships.people.coverage import KEY_ROLES, Person, coverage

ROLES = ["decision_maker", "economic_buyer", "executive_sponsor", "champion", "user", "influencer"]
people = st.lists(
    st.builds(
        Person,
        role=st.sampled_from(ROLES),
        strength=st.none() | st.integers(1, 5),
        active=st.booleans(),
    ),
    max_size=12,
)


def test_coverage_of_an_empty_account_flags_single_threaded_and_no_decision_maker():
    flags = coverage([])
    assert (flags.strong_relationships, flags.single_threaded) == (0, True)
    assert flags.no_decision_maker_coverage is True
    assert flags.champion_left is False


def test_two_strong_relationships_including_a_decision_maker_clear_both_flags():
    flags = coverage([Person("decision_maker", 4, True), Person("user", 5, True)])
    assert flags.strong_relationships == 2
    assert flags.single_threaded is False
    assert flags.no_decision_maker_coverage is False


def test_strength_three_is_professional_not_strong():
    flags = coverage([Person("decision_maker", 3, True), Person("champion", 3, True)])
    assert flags.strong_relationships == 0


def test_strong_people_who_left_do_not_count():
    flags = coverage([Person("economic_buyer", 5, False), Person("user", 5, True)])
    assert flags.strong_relationships == 1
    assert flags.single_threaded is True
    assert flags.no_decision_maker_coverage is True


def test_champion_who_left_is_flagged():
    assert coverage([Person("champion", 5, False)]).champion_left is True
    assert coverage([Person("champion", 5, True)]).champion_left is False


@given(people)
def test_order_of_people_does_not_matter(group):
    assert coverage(group) == coverage(list(reversed(group)))


@given(people, st.sampled_from(sorted(KEY_ROLES)))
def test_adding_a_strong_key_person_always_clears_the_decision_maker_flag(group, role):
    assert coverage([*group, Person(role, 5, True)]).no_decision_maker_coverage is False


@given(people)
def test_single_threaded_means_at_most_one_strong_relationship(group):
    flags = coverage(group)
    assert flags.single_threaded == (flags.strong_relationships <= 1)
