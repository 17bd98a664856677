"""Who is who in captured mail: our people (the users, and the team's domains in
CAPTURE_INTERNAL_DOMAINS), the stakeholders by address, and the accounts by domain. Read once per
capture run, so that deciding about a message costs no query."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from accounts.models import Account, User
from relationships.models import Stakeholder


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def bare_domain(domain: str) -> str:
    """An account's domain as people type it ("https://www.Acme.com/") as mail writes it
    ("acme.com")."""
    domain = domain.strip().lower()
    domain = domain.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return domain.removeprefix("www.")


def _within(domain: str, domains) -> str | None:
    """The entry of `domains` that `domain` is, or is a subdomain of (mail.acme.com in
    acme.com), else None."""
    parts = domain.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in domains:
            return candidate
    return None


@dataclass(frozen=True)
class Person:
    """A stakeholder as capture needs them."""

    pk: int
    account_id: int
    active: bool


@dataclass
class Directory:
    users: dict[str, int]  # address -> user id
    internal_domains: frozenset[str]
    stakeholders: dict[str, list[Person]]  # address -> the stakeholders with it
    accounts_by_domain: dict[str, int]  # bare domain -> account id
    account_domains: dict[int, str] = field(default_factory=dict)  # account id -> bare domain

    @classmethod
    def load(cls) -> "Directory":
        users = {email.lower(): pk for pk, email in User.objects.values_list("pk", "email")}
        people = defaultdict(list)
        rows = (
            Stakeholder.objects.exclude(email="")
            .exclude(account__status=Account.Status.ARCHIVED)
            .values_list("pk", "account_id", "email", "status")
        )
        for pk, account_id, email, status in rows.iterator(5000):
            people[email.lower()].append(
                Person(pk, account_id, status == Stakeholder.Status.ACTIVE)
            )
        domains = {}
        accounts = (
            Account.objects.exclude(domain="")
            .exclude(status=Account.Status.ARCHIVED)
            .order_by("pk")
            .values_list("pk", "domain")
        )
        for pk, domain in accounts:
            domains.setdefault(bare_domain(domain), pk)  # two accounts on one domain: the first
        return cls(
            users=users,
            internal_domains=frozenset(settings.CAPTURE_INTERNAL_DOMAINS),
            stakeholders=dict(people),
            accounts_by_domain=domains,
            account_domains={pk: domain for domain, pk in domains.items()},
        )

    def is_internal(self, address: str) -> bool:
        return (
            address in self.users or _within(domain_of(address), self.internal_domains) is not None
        )

    def accounts_of(self, address: str) -> set[int]:
        """The accounts an outside address belongs to: its stakeholders' and its domain's."""
        found = {person.account_id for person in self.stakeholders.get(address, ())}
        domain = _within(domain_of(address), self.accounts_by_domain)
        if domain is not None:
            found.add(self.accounts_by_domain[domain])
        return found

    def stakeholder(self, address: str, account_id: int) -> Person | None:
        for person in self.stakeholders.get(address, ()):
            if person.account_id == account_id:
                return person
        return None

    def at_domain_of(self, address: str, account_id: int) -> bool:
        domain = self.account_domains.get(account_id)
        return domain is not None and _within(domain_of(address), {domain}) is not None
