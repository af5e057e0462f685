"""Published rulebooks: versions with effective dates, the one in force on a day, quotes."""

from gigcity.rules import RuleProblem
from gigcity.services.rulebooks.schemas import (
    LINE_TITLES,
    OrderIn,
    PayLineOut,
    QuoteOut,
    RulebookRef,
    RulebookVersionDetail,
    RulebookVersionOut,
    RulesOverview,
    localise_lines,
    pay_line,
    yuan_text,
)
from gigcity.services.rulebooks.service import (
    VERSION_OF_RECORD,
    RulebookChoice,
    RulebookInvalid,
    RulebooksService,
    localise_version,
    rulebook_ref,
    version_out,
)
from gigcity.services.rulebooks.wording import (
    message_text,
    reason_text,
    rulebook_label,
    title_of_clause,
    value_text,
)

__all__ = [
    "LINE_TITLES",
    "VERSION_OF_RECORD",
    "OrderIn",
    "PayLineOut",
    "QuoteOut",
    "RuleProblem",
    "RulebookChoice",
    "RulebookInvalid",
    "RulebookRef",
    "RulebookVersionDetail",
    "RulebookVersionOut",
    "RulebooksService",
    "RulesOverview",
    "localise_lines",
    "localise_version",
    "message_text",
    "pay_line",
    "reason_text",
    "rulebook_label",
    "rulebook_ref",
    "title_of_clause",
    "value_text",
    "version_out",
    "yuan_text",
]
