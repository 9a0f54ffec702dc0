"""A site's rules file: every section optional, every mistake named by its dotted path."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugin.sync.lead_mapping import DEFAULT_FIELDS
from plugin.sync.rules import RulesError, SyncRules, load_rules


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_every_default():
    assert load_rules(None) == SyncRules()


def test_each_section_reaches_its_policy(tmp_path):
    rules = load_rules(write(tmp_path, """
[sentiment]
scorer = "plugin.sentiment.loading:compact_scorer"

[identity]
threshold = 0.95
below_threshold = "create_lead"
default_region = "RU"

[leads]
status = "Assigned"
[leads.fields]
favourite_colour = "description"

[cases.complaints.keywords]
ru = ["жалоба"]
"""))
    assert rules.scorer == "plugin.sentiment.loading:compact_scorer"
    assert (rules.identity.threshold, rules.identity.below_threshold,
            rules.identity.default_region) == (0.95, "create_lead", "RU")
    assert rules.leads.status == "Assigned"
    assert rules.leads.target("favourite_colour") == "description"
    assert all(rules.leads.target(key) == value for key, value in DEFAULT_FIELDS.items())
    assert "жалоба" in rules.cases.complaints.keywords["ru"]


@pytest.mark.parametrize(("text", "named"), [
    ("[identiti]\nthreshold = 0.9", "identiti: unknown section"),
    ("[identity]\nthreshhold = 0.9", "identity.threshhold: unknown key"),
    ("[identity]\nthreshold = 'high'", "identity.threshold: expected float"),
    ("[identity]\nthreshold = 2.0", "identity: threshold must be in (0, 1]"),
    ("[identity]\ndefault_region = 'XX'", "identity: default_region 'XX'"),
    ("[leads.fields]\nphone = 3", "leads.fields: expected a table"),
    ("[sentiment]\nscorer = 3", "sentiment.scorer: expected"),
    ("[cases.sla.by_priority]\nP4 = 60", "cases.sla.by_priority.P4"),
    ("identity = 3", "identity: expected a table"),
    ("[identity\n", "not valid TOML"),
])
def test_a_mistake_is_refused_with_the_file_and_the_key(tmp_path, text, named):
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert named in str(caught.value)


def test_a_missing_file_is_one_clear_line(tmp_path):
    with pytest.raises(RulesError, match=r"cannot read the rules file"):
        load_rules(tmp_path / "absent.toml")
