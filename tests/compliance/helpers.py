"""Helpers the compliance tests share: judging replies and reading what a verdict found."""

from __future__ import annotations

from collections.abc import Callable

from plugin.compliance import Policy, Verdict, evaluate

SIGNATURE = "\n— Anna"
Judge = Callable[..., Verdict]


def judge_with(policy: Policy) -> Judge:
    """A judge of replies under ``policy``: a public Facebook reply signed by Anna unless
    the call says otherwise (``sign=False`` leaves the text as given)."""

    def judge(text: str, *, network: str = "facebook", kind: str = "public",
              language: str | None = None, sign: bool = True,
              signature_values: dict[str, str] | None = None) -> Verdict:
        return evaluate(text + SIGNATURE if sign else text, network=network, kind=kind,
                        language=language, policy=policy, signature_values=signature_values)

    return judge


def found(verdict: Verdict, text: str) -> list[tuple[str, str, str]]:
    """(code, subject, the part of ``text`` the span covers) for every span, in text order.

    Spans index the judged string; ``text`` is that string or its unsigned beginning."""
    spans = sorted((span.start, span.end, reason.code.value, reason.subject)
                   for reason in verdict.reasons for span in reason.spans)
    return [(code, subject, text[start:end]) for start, end, code, subject in spans]
