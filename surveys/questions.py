"""Question types: how each kind of question is asked, stored, felt and fed into the model.

Plain values only (no ORM). A question reaches this module as a `Spec`; each type builds its
form fields, turns the cleaned input into the JSON value kept on the answer, says how the answer
felt on 0..1 (if it is a happiness-like answer, mapped by relationships.activity.feelings), and
lists its `Effects` on the relationship model, which the response service writes. Adding a
type = one class here and one entry in QUESTION_TYPES.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django import forms

from relationships.activity import feelings

HIGH_LOW = [("high", "High"), ("low", "Low")]
EMOTIONS = [
    ("delighted", "Delighted"),
    ("met", "Met expectations"),
    ("missed", "Missed expectations"),
    ("enraged", "Enraged"),
]


@dataclass(frozen=True)
class Spec:
    """One question as the form and the summaries need it."""

    key: str  # the form field name (or prefix)
    kind: str
    text: str
    help_text: str = ""
    required: bool = True
    choices: tuple[tuple[int, str], ...] = ()  # scale points, moment types or dimensions
    competitor: tuple[int, str] | None = None  # competitor matrix: the account's leader


@dataclass
class Effects:
    """What a response changes beyond the answers themselves."""

    stakeholder: dict[str, str] = field(default_factory=dict)  # field -> new value
    moments: list[tuple[int, str]] = field(default_factory=list)  # (moment type id, emotion)
    feedback: list[str] = field(default_factory=list)
    # (dimension id, competitor id, our rating, their rating)
    ratings: list[tuple[int, int, int, int]] = field(default_factory=list)


class QuestionType:
    label = ""

    def fields(self, spec: Spec) -> dict[str, forms.Field]:
        raise NotImplementedError

    def errors(self, spec: Spec, cleaned: dict) -> dict[str, str]:
        """Errors that need several of the question's fields (field name -> message)."""
        return {}

    def value(self, spec: Spec, cleaned: dict):
        """The JSON value to store, or None when the question was left unanswered."""
        raw = cleaned.get(spec.key)
        return None if raw in (None, "") else raw

    def feeling(self, spec: Spec, value) -> float | None:
        return None

    def apply(self, spec: Spec, value, effects: Effects) -> None:
        """Record what this answer changes in the relationship model (nothing by default)."""

    def display(self, spec: Spec, value) -> str:
        return str(value)

    def options(self, spec: Spec) -> list:
        """The possible values in the order summaries list them (none for open answers)."""
        return []

    def tally(self, spec: Spec, values: list) -> list[tuple[str, int]]:
        """The answers in a few lines for the campaign page: how many chose each option, in
        the options' order."""
        counts = Counter(values)
        return [
            (self.display(spec, option), counts[option])
            for option in self.options(spec)
            if counts[option]
        ]


def _radio(spec: Spec, choices) -> forms.Field:
    return forms.TypedChoiceField(
        label=spec.text,
        help_text=spec.help_text,
        required=spec.required,
        choices=choices,
        widget=forms.RadioSelect,
    )


class ScaleQuestion(QuestionType):
    label = "Scale (on an admin scale)"

    def fields(self, spec):
        field_ = _radio(spec, [(str(value), f"{value} · {label}") for value, label in spec.choices])
        field_.coerce = int
        return {spec.key: field_}

    def feeling(self, spec, value):
        return feelings.scale_point_feeling(value, [point for point, _label in spec.choices])

    def display(self, spec, value):
        return dict(spec.choices).get(value, str(value))

    def options(self, spec):
        return [point for point, _label in reversed(spec.choices)]


class NpsQuestion(QuestionType):
    label = "Net Promoter Score (0-10)"

    def fields(self, spec):
        field_ = _radio(spec, [(str(n), str(n)) for n in range(11)])
        field_.coerce = int
        return {spec.key: field_}

    def feeling(self, spec, value):
        return feelings.nps_feeling(value)

    def options(self, spec):
        return list(range(10, -1, -1))


class HighLowQuestion(QuestionType):
    """Trust or respect, high or low (seed 001): the answer updates the stakeholder."""

    def __init__(self, label: str, stakeholder_field: str):
        self.label = label
        self.stakeholder_field = stakeholder_field

    def fields(self, spec):
        return {spec.key: _radio(spec, HIGH_LOW)}

    def apply(self, spec, value, effects):
        effects.stakeholder[self.stakeholder_field] = value

    def display(self, spec, value):
        return dict(HIGH_LOW).get(value, value)

    def options(self, spec):
        return [value for value, _label in HIGH_LOW]


class MomentsQuestion(QuestionType):
    """Which moments mattered and how they felt (seed 002: let customers identify them)."""

    label = "Moments that mattered (from the moment catalog)"

    def fields(self, spec):
        return {
            f"{spec.key}_{type_id}": forms.ChoiceField(
                label=name,
                required=False,
                choices=[("", "Did not matter / not sure"), *EMOTIONS],
            )
            for type_id, name in spec.choices
        }

    def value(self, spec, cleaned):
        chosen = {
            str(type_id): cleaned[f"{spec.key}_{type_id}"]
            for type_id, _name in spec.choices
            if cleaned.get(f"{spec.key}_{type_id}")
        }
        return chosen or None

    def apply(self, spec, value, effects):
        effects.moments.extend((int(type_id), emotion) for type_id, emotion in value.items())

    def display(self, spec, value):
        names, emotions = dict(spec.choices), dict(EMOTIONS)
        return ", ".join(
            f"{names.get(int(type_id), type_id)}: {emotions.get(emotion, emotion)}"
            for type_id, emotion in value.items()
        )

    def tally(self, spec, values):
        """How many named each moment with each feeling, most frequent first."""
        return Counter(
            self.display(spec, {type_id: emotion})
            for value in values
            for type_id, emotion in value.items()
        ).most_common()


class TextQuestion(QuestionType):
    label = "Free text"

    def fields(self, spec):
        return {
            spec.key: forms.CharField(
                label=spec.text,
                help_text=spec.help_text,
                required=spec.required,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        }

    def value(self, spec, cleaned):
        text = (cleaned.get(spec.key) or "").strip()
        return text or None

    def apply(self, spec, value, effects):
        effects.feedback.append(value)


class CompetitorQuestion(QuestionType):
    """Us against the competitor the customer sees as the category leader, on each dimension
    (seed 002); each rated dimension becomes a competitor rating with source "survey"."""

    label = "Competitor matrix (us and their leading competitor, per dimension)"
    RATINGS = [("", "—"), *((str(n), str(n)) for n in range(1, 6))]

    def _names(self, spec, dimension_id):
        return f"{spec.key}_{dimension_id}_ours", f"{spec.key}_{dimension_id}_theirs"

    def fields(self, spec):
        competitor = spec.competitor[1] if spec.competitor else "the leading competitor"
        fields = {}
        for dimension_id, name in spec.choices:
            ours, theirs = self._names(spec, dimension_id)
            for field_name, who in ((ours, "us"), (theirs, competitor)):
                fields[field_name] = forms.TypedChoiceField(
                    label=f"{name}: {who}",
                    required=False,
                    choices=self.RATINGS,
                    coerce=int,
                    empty_value=None,
                    widget=forms.Select,
                )
        return fields

    def errors(self, spec, cleaned):
        errors = {}
        for dimension_id, name in spec.choices:
            ours, theirs = self._names(spec, dimension_id)
            if (cleaned.get(ours) is None) != (cleaned.get(theirs) is None):
                missing = theirs if cleaned.get(theirs) is None else ours
                errors[missing] = f"Rate both for {name.lower()}, or neither."
        return errors

    def value(self, spec, cleaned):
        rated = {}
        for dimension_id, _name in spec.choices:
            ours, theirs = (cleaned.get(name) for name in self._names(spec, dimension_id))
            if ours is not None and theirs is not None:
                rated[str(dimension_id)] = [ours, theirs]
        if not rated or not spec.competitor:
            return None
        return {"competitor": spec.competitor[0], "ratings": rated}

    def apply(self, spec, value, effects):
        effects.ratings.extend(
            (int(dimension_id), value["competitor"], ours, theirs)
            for dimension_id, (ours, theirs) in value["ratings"].items()
        )

    def display(self, spec, value):
        names = dict(spec.choices)
        return "; ".join(
            f"{names.get(int(dimension_id), dimension_id)}: us {ours}, them {theirs}"
            for dimension_id, (ours, theirs) in value["ratings"].items()
        )

    def tally(self, spec, values):
        """Per dimension, in the matrix's order, the average rating of us and of them, and
        how many rated it."""
        rated = defaultdict(list)
        for value in values:
            for dimension_id, pair in value["ratings"].items():
                rated[int(dimension_id)].append(pair)
        lines = []
        for dimension_id, name in spec.choices:
            if pairs := rated.get(dimension_id):
                ours = sum(pair[0] for pair in pairs) / len(pairs)
                theirs = sum(pair[1] for pair in pairs) / len(pairs)
                lines.append((f"{name}: us {ours:.1f}, them {theirs:.1f}", len(pairs)))
        return lines


QUESTION_TYPES: dict[str, QuestionType] = {
    "scale": ScaleQuestion(),
    "nps": NpsQuestion(),
    "trust": HighLowQuestion("Trust (high/low)", "trust"),
    "respect": HighLowQuestion("Respect (high/low)", "respect"),
    "moments": MomentsQuestion(),
    "competitor": CompetitorQuestion(),
    "text": TextQuestion(),
}


def answerable(questions: list[tuple[int, Spec]]) -> list[tuple[int, Spec]]:
    """The questions a stakeholder is asked: a competitor matrix only when the account has a
    leading competitor to compare with."""
    return [(pk, spec) for pk, spec in questions if spec.kind != "competitor" or spec.competitor]


def nps(scores: list[int]) -> int | None:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6), rounded."""
    if not scores:
        return None
    promoters = sum(1 for score in scores if score >= 9)
    detractors = sum(1 for score in scores if score <= 6)
    return round(100 * (promoters - detractors) / len(scores))


def reminder_days(text: str) -> list[int]:
    """ "4, 9" -> [4, 9]: the days after sending on which reminders go out (sorted, unique).
    Raises ValueError on anything else."""
    days = sorted({int(part) for part in text.replace(";", ",").split(",") if part.strip()})
    if any(day < 1 or day > 365 for day in days):
        raise ValueError("Reminder days must be between 1 and 365.")
    return days
