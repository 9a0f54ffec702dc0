"""Complaint waves: a source's negatives per hour against its own seasonal baseline.

Feed ``WaveEvent``s (one per inbound interaction) to a ``WaveDetector`` (in memory) or to
``workers.wave_state.observe`` (Redis, shared by every worker); a ``WaveAlert`` comes out
once when a wave starts, an ``AllClear`` when it has subsided. Pure Python, no Redis.
See docs/waves.md for the model, the defaults and the measured behaviour.
"""

from plugin.waves.baseline import Baseline
from plugin.waves.breakdown import Breakdown
from plugin.waves.core import SourceCore
from plugin.waves.detector import WaveDetector, alert_of, all_clear_of, event_time
from plugin.waves.records import (
    AllClear,
    Outcome,
    PostCount,
    Tally,
    WaveAlert,
    WaveConfig,
    WaveConfigError,
    WaveEvent,
)

__all__ = [
    "AllClear",
    "Baseline",
    "Breakdown",
    "Outcome",
    "PostCount",
    "SourceCore",
    "Tally",
    "WaveAlert",
    "WaveConfig",
    "WaveConfigError",
    "WaveDetector",
    "WaveEvent",
    "alert_of",
    "all_clear_of",
    "event_time",
]
