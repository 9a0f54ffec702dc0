"""The compiled policy: every rule prepared once, so that judging a reply is only reading.

``Policy.evaluate`` is pure: the same reply, channel and policy give the same verdict,
nothing is written anywhere, and one policy may serve any number of threads. Building
one reads the term lists into per-language matchers; the language resources (pymorphy3's
dictionary, jieba's) load once per process on first use and are shared, read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from plugin.compliance.chinese import ChineseMatcher
from plugin.compliance.english import EnglishAnalyzer
from plugin.compliance.errors import UnknownChannelError
from plugin.compliance.languages import Detector, LanguageSelector, base_language
from plugin.compliance.literal import LiteralMatcher
from plugin.compliance.personal_data import LABELS, DataKind, PersonalDataFinder
from plugin.compliance.russian import RussianAnalyzer
from plugin.compliance.schema import KINDS, ChannelSpec, Kind, PolicySpec
from plugin.compliance.signature import Signature
from plugin.compliance.terms import Hit, Matcher, PhraseMatcher, Rule, Term
from plugin.compliance.text import read_text
from plugin.compliance.verdict import Decision, Reason, ReasonCode, Span, Verdict, strictest
from plugin.sentiment.records import UNDETERMINED

SpanOf = Callable[[int, int], Span]  # read-text offsets -> the caller's span
NETWORK_NAMES = {"facebook": "Facebook", "linkedin": "LinkedIn"}
_KIND_PHRASE = {"public": "a public reply", "private": "a private message"}


def _matcher(language: str, terms: list[Term]) -> Matcher:
    if language == "en":
        return PhraseMatcher(EnglishAnalyzer(), terms)
    if language == "ru":
        return PhraseMatcher(RussianAnalyzer(), terms)
    if language == "zh":
        return ChineseMatcher(terms)
    return LiteralMatcher(terms)


@dataclass(frozen=True, slots=True)
class _Rules:
    """What a compiled policy holds; kept apart from the methods for a small Policy."""

    spec: PolicySpec
    matchers: Mapping[str, Matcher]
    selector: LanguageSelector
    personal_data: PersonalDataFinder
    signature: Signature | None


class Policy:
    """A compiled compliance policy. Build it with ``load_policy`` or ``policy_from_data``."""

    def __init__(self, spec: PolicySpec, *, detector: Detector | None = None) -> None:
        matchers = {
            language: _matcher(language, [Term(text, rule, language)
                                          for rule in Rule for text in section.terms[rule]])
            for language, section in spec.languages.items()}
        self._rules = _Rules(
            spec=spec, matchers=matchers,
            selector=LanguageSelector(spec.languages, detector),
            personal_data=PersonalDataFinder(spec.phone_regions, spec.allowed_emails,
                                             spec.allowed_phones),
            signature=Signature(spec.signature.template) if spec.signature else None)

    @property
    def spec(self) -> PolicySpec:
        return self._rules.spec

    @property
    def networks(self) -> Mapping[str, tuple[Kind, ...]]:
        """Each network the policy covers, with the kinds of reply it has rules for."""
        return {network: tuple(kind for kind in KINDS if kind in channels)
                for network, channels in self._rules.spec.networks.items()}

    def evaluate(self, text: str, *, network: str, kind: Kind, language: str | None = None,
                 signature_values: Mapping[str, str] | None = None) -> Verdict:
        """The verdict on posting ``text`` as a ``kind`` reply on ``network``.

        ``language``: the reply's language (ISO 639-1) when the caller knows it.
        ``signature_values``: what fills the signature's placeholders for this agent
        (``{"agent_first_name": "Anna"}``); without them any name is accepted.
        Raises ``UnknownChannelError`` if the policy has no rules for the channel.
        """
        channel = self._channel(network, kind)
        if not text.strip():
            reason = Reason(ReasonCode.EMPTY, "the reply is empty", Decision.BLOCK)
            return Verdict(Decision.BLOCK, (reason,),
                           base_language(language) if language else UNDETERMINED, ())
        read = read_text(text)
        reply_language, sections = self._rules.selector.select(read.text, language)
        reasons = [
            *self._term_reasons(read.text, sections, read.span),
            *self._personal_data_reasons(read.text, kind, channel, read.span),
            *self._length_reasons(text, network, kind, channel),
            *self._signature_reasons(read.text, kind, signature_values),
        ]
        reasons.sort(key=lambda r: (-r.decision.severity, r.spans[:1] or (Span(-1, -1),)))
        ordered = tuple(reasons)
        return Verdict(strictest(ordered), ordered, reply_language, sections)

    def _channel(self, network: str, kind: str) -> ChannelSpec:
        channels = self._rules.spec.networks.get(network)
        if channels is None:
            raise UnknownChannelError(f"the compliance policy has no rules for network "
                                      f"{network!r} (it has: {', '.join(self.networks)})")
        channel = channels.get("public" if kind == "public" else "private")
        if kind not in KINDS or channel is None:
            raise UnknownChannelError(f"the compliance policy has no rules for {kind!r} "
                                      f"replies on {network} (it has: "
                                      f"{', '.join(self.networks[network])})")
        return channel

    def _term_reasons(self, text: str, sections: tuple[str, ...],
                      span: SpanOf) -> list[Reason]:
        hits = [hit for language in sections for hit in self._rules.matchers[language].find(text)]
        allowed = [hit for hit in hits if hit.term.rule is Rule.ALLOWED]
        by_term: dict[Term, list[Hit]] = {}
        for hit in hits:
            if hit.term.rule is not Rule.ALLOWED and not any(hit.within(a) for a in allowed):
                by_term.setdefault(hit.term, []).append(hit)
        reasons = []
        for term, found in by_term.items():
            found.sort(key=lambda h: h.start)
            written = " ".join(text[found[0].start:found[0].end].split())  # "shut\n up"
            spans = tuple(sorted({span(hit.start, hit.end) for hit in found}))
            if term.rule is Rule.BANNED:
                reasons.append(Reason(ReasonCode.BANNED_TERM, f"“{written}” is not allowed",
                                      Decision.BLOCK, term.shown, spans))
            else:
                reasons.append(Reason(ReasonCode.COMMITMENT,
                                      f"“{written}” needs a manager's approval",
                                      Decision.NEEDS_APPROVAL, term.shown, spans))
        return reasons

    def _personal_data_reasons(self, text: str, kind: Kind, channel: ChannelSpec,
                               span: SpanOf) -> list[Reason]:
        by_kind: dict[DataKind, list[Span]] = {}
        for found in self._rules.personal_data.find(text):
            if channel.personal_data[found.kind] is not Decision.ALLOW:
                by_kind.setdefault(found.kind, []).append(span(found.start, found.end))
        reasons = []
        for data_kind, spans in by_kind.items():
            action = channel.personal_data[data_kind]
            if action is Decision.BLOCK:
                where = "posted publicly" if kind == "public" else "sent in a private message"
                message = f"{LABELS[data_kind]} must not be {where}"
            else:
                message = f"{LABELS[data_kind]} in {_KIND_PHRASE[kind]} needs a manager's approval"
            reasons.append(Reason(ReasonCode.PERSONAL_DATA, message, action, data_kind.value,
                                  tuple(sorted(spans))))
        return reasons

    @staticmethod
    def _length_reasons(text: str, network: str, kind: Kind,
                        channel: ChannelSpec) -> list[Reason]:
        size = len(text.encode("utf-16-le")) // 2 if channel.length_unit == "utf16" else len(text)
        if size <= channel.max_length:
            return []
        unit = "characters" if channel.length_unit == "characters" else "UTF-16 units"
        name = NETWORK_NAMES.get(network, network.capitalize())
        message = (f"{name} takes at most {channel.max_length} {unit} in {_KIND_PHRASE[kind]}; "
                   f"this one has {size}")
        return [Reason(ReasonCode.TOO_LONG, message, Decision.BLOCK, str(channel.max_length))]

    def _signature_reasons(self, text: str, kind: Kind,
                           values: Mapping[str, str] | None) -> list[Reason]:
        signature, spec = self._rules.signature, self._rules.spec.signature
        if signature is None or spec is None or kind not in spec.required_for:
            return []
        if signature.present(text, values):
            return []
        message = f"the reply must end with the signature “{signature.shown(values)}”"
        return [Reason(ReasonCode.MISSING_SIGNATURE, message, Decision.BLOCK,
                       signature.template)]
