"""The agreement as code: rulebooks, pay, service score, fatigue and on-route rules.

Pure and deterministic: no I/O except reading rulebook files, integer money in fen,
durations in declared units. Every decision carries the clause and rulebook version behind it.
"""

from gigcity.rules.combining import OnRouteVerdict, on_route
from gigcity.rules.diff import ClauseDiff, ClauseRow, clause_rows, diff_rulebooks
from gigcity.rules.eta import EtaPromise, eta_promise
from gigcity.rules.fatigue import (
    FatigueClock,
    FatigueDecision,
    FatigueStatus,
    WorkStretch,
    rest_rule,
    work_stretches,
)
from gigcity.rules.loader import (
    RulebookError,
    RuleProblem,
    dump_rulebook,
    list_rulebooks,
    load_rulebook,
    parse_rulebook,
)
from gigcity.rules.messages import MESSAGES, Message, say
from gigcity.rules.model import (
    CombiningRules,
    EtaRules,
    FatigueRules,
    GuaranteeRules,
    LatenessCause,
    PricingRules,
    Rulebook,
    ServiceScoreRules,
    clause_paths,
)
from gigcity.rules.pricing import OrderFacts, Quote, QuoteLine, order_pay_fen, quote_order
from gigcity.rules.reasons import Reason
from gigcity.rules.score import Delivery, ScoreEvent, score_delivery
from gigcity.rules.statement import (
    ActivitySpan,
    DeliveryPay,
    Statement,
    StatementLine,
    day_statement,
)
from gigcity.rules.titles import ClauseTitleError, clause_title, clause_titles

__all__ = [
    "MESSAGES",
    "ActivitySpan",
    "ClauseDiff",
    "ClauseRow",
    "ClauseTitleError",
    "CombiningRules",
    "Delivery",
    "DeliveryPay",
    "EtaPromise",
    "EtaRules",
    "FatigueClock",
    "FatigueDecision",
    "FatigueRules",
    "FatigueStatus",
    "GuaranteeRules",
    "LatenessCause",
    "Message",
    "OnRouteVerdict",
    "OrderFacts",
    "PricingRules",
    "Quote",
    "QuoteLine",
    "Reason",
    "RuleProblem",
    "Rulebook",
    "RulebookError",
    "ScoreEvent",
    "ServiceScoreRules",
    "Statement",
    "StatementLine",
    "WorkStretch",
    "clause_paths",
    "clause_rows",
    "clause_title",
    "clause_titles",
    "day_statement",
    "diff_rulebooks",
    "dump_rulebook",
    "eta_promise",
    "list_rulebooks",
    "load_rulebook",
    "on_route",
    "order_pay_fen",
    "parse_rulebook",
    "quote_order",
    "rest_rule",
    "say",
    "score_delivery",
    "work_stretches",
]
