"""The topic rules staff edit: kept as rows (the default set is written into an empty
table), read by every worker through a classifier rebuilt when the rules' revision moves
(another worker's edit reaches this one at its next use)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from gigcity.db.models import GovTopicRule
from gigcity.db.session import transaction
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.governance.base import GovernanceBase
from gigcity.services.governance.schemas import Classification, RuleIn, RuleOut
from gigcity.services.governance.topics import (
    DEFAULT_RULES,
    TOPIC_TITLES,
    Topic,
    TopicClassifier,
    TopicRule,
)

MAX_RULES = 200
_RULE_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def rule_from(rule_id: str, rule: RuleIn) -> TopicRule:
    """The rule as the classifier takes it, checked (a bad rule is refused by name)."""
    try:
        topic = Topic(rule.topic)
    except ValueError:
        raise InvalidInput(
            N_("Unknown topic '{topic}'; known: {known}."),
            field="topic",
            topic=rule.topic,
            known=", ".join(t.value for t in Topic),
        ) from None
    return TopicRule.validated(
        id=rule_id,
        topic=topic,
        groups=tuple(tuple(group) for group in rule.groups),
        exclude=tuple(rule.exclude),
        priority=rule.priority,
    )


class RulesMixin(GovernanceBase):
    _classifier_lock = threading.Lock()
    _classifier: tuple[Any, TopicClassifier] | None = None

    def _ensure_rules(self) -> None:
        """Write the default rules into an empty table (once, whichever worker is first)."""
        with self.factory() as session:
            if session.scalar(select(func.count()).select_from(GovTopicRule)):
                return
        try:
            with transaction(self.factory) as session:
                if session.scalar(select(func.count()).select_from(GovTopicRule)):
                    return
                for rule in DEFAULT_RULES:
                    session.add(_row(rule, True, None, self.clock()))
        except IntegrityError:
            pass  # another worker wrote them first

    def _revision(self) -> Any:
        with self.factory() as session:
            count, latest = session.execute(
                select(func.count(), func.max(GovTopicRule.updated_at))
            ).one()
            return (count, latest)

    def classifier(self) -> TopicClassifier:
        """The active rules as a classifier, rebuilt when any worker changed them."""
        self._ensure_rules()
        revision = self._revision()
        with self._classifier_lock:
            cached = self._classifier
            if cached is not None and cached[0] == revision:
                return cached[1]
        with self.factory() as session:
            rows = session.scalars(
                select(GovTopicRule)
                .where(GovTopicRule.active.is_(True))
                .order_by(GovTopicRule.priority, GovTopicRule.id)
            ).all()
            rules = [_rule(row) for row in rows]
        classifier = TopicClassifier(rules)
        with self._classifier_lock:
            self._classifier = (revision, classifier)
        return classifier

    def rules(self, principal: Principal, locale: str) -> list[RuleOut]:
        self.area(principal)  # officers and admins read them
        self._ensure_rules()
        with self.factory() as session:
            rows = session.scalars(
                select(GovTopicRule).order_by(GovTopicRule.priority, GovTopicRule.id)
            ).all()
            return [_rule_out(row, locale) for row in rows]

    def save_rule(
        self, principal: Principal, rule_id: str, rule: RuleIn, locale: str, *, new: bool
    ) -> RuleOut:
        """Create (`new`) or replace a rule; district admins only."""
        self.require_admin(principal)
        if not rule_id or len(rule_id) > 40 or not set(rule_id) <= _RULE_ID_CHARS:
            raise InvalidInput(
                N_("A rule's id is 1 to 40 lower-case letters, digits, '-' or '_'."),
                field="id",
            )
        checked = rule_from(rule_id, rule)
        self._ensure_rules()
        with transaction(self.factory) as session:
            row = session.get(GovTopicRule, rule_id)
            if new and row is not None:
                raise Conflict(N_("There is a rule '{id}' already."), field="id", id=rule_id)
            if not new and row is None:
                raise NotFound(N_("No rule '{id}'."), id=rule_id)
            if new:
                count = session.scalar(select(func.count()).select_from(GovTopicRule)) or 0
                if count >= MAX_RULES:
                    raise InvalidInput(N_("At most {max} rules."), max=MAX_RULES)
                row = _row(checked, rule.active, principal.account_id, self.clock())
                session.add(row)
            else:
                assert row is not None
                row.topic = checked.topic.value
                row.groups = [list(g) for g in checked.groups]
                row.exclude = list(checked.exclude)
                row.priority = checked.priority
                row.active = rule.active
                row.updated_by = principal.account_id
                row.updated_at = self.clock()
            session.flush()
            return _rule_out(row, locale)

    def delete_rule(self, principal: Principal, rule_id: str) -> None:
        self.require_admin(principal)
        with transaction(self.factory) as session:
            gone = session.execute(delete(GovTopicRule).where(GovTopicRule.id == rule_id)).rowcount  # type: ignore[attr-defined]
            if not gone:
                raise NotFound(N_("No rule '{id}'."), id=rule_id)

    def classify_text(self, principal: Principal, text: str, locale: str) -> Classification:
        """What the rules make of a text: its words and the rule that fires (to try a rule
        before saving it)."""
        self.area(principal)
        classifier = self.classifier()
        result = classifier.classify(text)
        return Classification(
            text=text,
            words=classifier.segment(text),
            topic=result.topic.value if result.topic else None,
            topic_title=gettext(locale, TOPIC_TITLES[result.topic]) if result.topic else None,
            rule=result.rule_id,
            matched=list(result.words),
        )


def _row(rule: TopicRule, active: bool, by: int | None, at: Any) -> GovTopicRule:
    return GovTopicRule(
        id=rule.id,
        topic=rule.topic.value,
        groups=[list(g) for g in rule.groups],
        exclude=list(rule.exclude),
        priority=rule.priority,
        active=active,
        updated_by=by,
        updated_at=at,
    )


def _rule(row: GovTopicRule) -> TopicRule:
    return TopicRule(
        id=row.id,
        topic=Topic(row.topic),
        groups=tuple(tuple(str(w) for w in g) for g in row.groups),
        exclude=tuple(str(w) for w in row.exclude or []),
        priority=row.priority,
    )


def _rule_out(row: GovTopicRule, locale: str) -> RuleOut:
    return RuleOut(
        id=row.id,
        topic=row.topic,
        topic_title=gettext(locale, TOPIC_TITLES[Topic(row.topic)]),
        groups=[[str(w) for w in g] for g in row.groups],
        exclude=[str(w) for w in row.exclude or []],
        priority=row.priority,
        active=row.active,
    )
