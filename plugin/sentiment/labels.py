"""From a reading to what SuiteCRM stores: a 4-decimal score and a dropdown label.

A comment is positive or negative only once its score leaves a neutral band around zero:
questions and requests carry a little incidental sentiment ("is it free?") that should
not tip them. Inside the band a comment is mixed rather than neutral when it says strong
things both ways in about equal measure ("love the phone, hate the battery"), so a
manager can find the comments that praise one thing and complain about another; a
comment that clearly leans one way keeps that label ("thank you for replacing the
broken item" is positive).
"""

from __future__ import annotations

from plugin.sentiment.engine import Reading

NEUTRAL_BAND = 0.2  # |score| below this is neutral (or mixed)
MIXED_STRENGTH = 1.0  # each side's summed valence must reach this for "mixed"
MIXED_BALANCE = 0.6  # and the weaker side be at least this share of the stronger
DECIMALS = 4  # sentiment_score is DECIMAL(7,4)


def rounded(score: float) -> float:
    """The score as SuiteCRM's DECIMAL(7,4) will hold it (never "-0.0")."""
    return round(score, DECIMALS) + 0.0


def label_for(reading: Reading) -> str:
    score = rounded(reading.score)
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
        return "negative"
    return "mixed" if _mixed(reading) else "neutral"


def _mixed(reading: Reading) -> bool:
    weaker, stronger = sorted((reading.positive, reading.negative))
    return weaker >= MIXED_STRENGTH and weaker >= MIXED_BALANCE * stronger
