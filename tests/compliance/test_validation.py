"""A bad policy file is refused with every problem listed, each naming its key path."""

from __future__ import annotations

import json

import pytest

from plugin.compliance import PolicyError, load_policy, policy_from_data, validate_policy_file

NETWORKS = "networks:\n  facebook:\n    public: {max_length: 8000}\n"


def problems(write_policy, body: str, *, name: str = "policy.yaml") -> list[str]:
    path = write_policy(body, name=name)
    errors = validate_policy_file(path)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert list(raised.value.errors) == errors
    assert str(path) in str(raised.value)
    return errors


@pytest.mark.parametrize("body, expected", [
    ("languages:\n  ru:\n    banned: [идиот, дурак, 42]\n" + NETWORKS,
     "languages.ru.banned[2]: must be a non-empty string, not the number 42"),
    ("languages:\n  ru:\n    banned: [идиот, '  ']\n" + NETWORKS,
     "languages.ru.banned[1]: must be a non-empty string, not blank text"),
    ("languages:\n  en:\n    banned: [no]\n" + NETWORKS,
     "languages.en.banned[0]: must be a non-empty string, not false (YAML reads unquoted "
     "yes/no/on/off as true/false"),
    ("languages:\n  en:\n    banned: idiot\n" + NETWORKS,
     "languages.en.banned: must be a list, not text"),
    ("languages:\n  en:\n    banned: ['!!!']\n" + NETWORKS,
     "languages.en.banned[0]: “!!!” has no word in it; symbols and emoji belong in the "
     "\"*\" section"),
    ("languages:\n  en:\n    banned: ['=']\n" + NETWORKS,
     "languages.en.banned[0]: has nothing after '='"),
    ("languages:\n  en:\n    banned: [refund]\n    commitments: [Refund]\n" + NETWORKS,
     "languages.en.commitments[0]: “Refund” is already listed at languages.en.banned[0]"),
    ("languages:\n  en:\n    forbidden: [idiot]\n" + NETWORKS,
     "languages.en.forbidden: unknown key (expected one of: banned, commitments, allowed)"),
    ("languages:\n  xx: {}\n" + NETWORKS, "languages.xx: unknown language code"),
    ("languages: {}\n" + NETWORKS, "languages: must have at least one section"),
    ("languagess: {en: {}}\nlanguages: {en: {}}\n" + NETWORKS,
     "languagess: unknown key (expected one of: version, languages, personal_data, "
     "networks, signature)"),
    ("languages: {en: {}}\n", "missing required key 'networks'"),
    ("version: 2\nlanguages: {en: {}}\n" + NETWORKS, "version: must be 1, not 2"),
    ("languages: {en: {}}\nnetworks:\n  facebook:\n    public: {max_length: 0}\n",
     "networks.facebook.public.max_length: must be a whole number of at least 1, not 0"),
    ("languages: {en: {}}\nnetworks:\n  facebook:\n    public: {max_length: '8000'}\n",
     "networks.facebook.public.max_length: must be a whole number of at least 1, not '8000'"),
    ("languages: {en: {}}\nnetworks:\n  facebook:\n    public: {}\n",
     "networks.facebook.public: missing required key 'max_length'"),
    ("languages: {en: {}}\nnetworks:\n  facebook:\n    public: {max_length: 9, length_unit: "
     "bytes}\n",
     "networks.facebook.public.length_unit: must be one of characters, utf16, not 'bytes'"),
    ("languages: {en: {}}\nnetworks:\n  facebook:\n    comment: {max_length: 9}\n",
     "networks.facebook.comment: unknown key (expected one of: public, private)"),
    ("languages: {en: {}}\nnetworks:\n  Face Book:\n    public: {max_length: 9}\n",
     "networks.Face Book: a network name is lower-case letters, digits, - and _"),
    ("languages: {en: {}}\nnetworks:\n  facebook:\n    private:\n      max_length: 9\n"
     "      personal_data: {phone: ask}\n",
     "networks.facebook.private.personal_data.phone: must be one of allow, needs_approval, "
     "block, not 'ask'"),
    ("languages: {en: {}}\npersonal_data:\n  public: {passport: block}\n" + NETWORKS,
     "personal_data.public.passport: unknown key (expected one of: email, phone, card)"),
    ("languages: {en: {}}\npersonal_data:\n  phone_regions: [US, XX]\n" + NETWORKS,
     "personal_data.phone_regions[1]: 'XX' is not a region phonenumbers knows"),
    ("languages: {en: {}}\npersonal_data:\n  allowed: [support at acme]\n" + NETWORKS,
     "personal_data.allowed[0]: 'support at acme' is neither an email address nor a valid "
     "phone number"),
    ("languages: {en: {}}\nsignature: {template: '— {agent_last_name}'}\n" + NETWORKS,
     "signature.template: unknown placeholder {agent_last_name} (known: {agent_first_name}, "
     "{agent_name})"),
    ("languages: {en: {}}\nsignature: {template: '— {agent_first_name'}\n" + NETWORKS,
     "signature.template: is not a valid template"),
    ("languages: {en: {}}\nsignature: {template: '— Anna', required_for: [everyone]}\n"
     + NETWORKS,
     "signature.required_for[0]: must be one of public, private, not 'everyone'"),
    ("languages: {en: {}}\nsignature: {required_for: [public]}\n" + NETWORKS,
     "signature: missing required key 'template'"),
])
def test_each_problem_names_its_key_and_what_is_wrong(write_policy, body, expected):
    errors = problems(write_policy, body)
    assert any(error.startswith(expected) for error in errors), errors


def test_every_problem_of_a_file_is_reported_at_once(write_policy):
    errors = problems(write_policy, """
languages:
  en: {banned: [idiot, 7]}
  ru: {commitments: [true]}
networks:
  linkedin:
    public: {max_length: -5}
signature: {template: "{x}"}
""")
    assert [error.split(":")[0] for error in errors] == [
        "languages.en.banned[1]", "languages.ru.commitments[0]",
        "networks.linkedin.public.max_length", "signature.template"]


def test_a_key_written_twice_is_reported_with_its_lines(write_policy):
    errors = problems(write_policy, """languages:
  en:
    banned: [idiot]
    commitments: [refund]
    banned: [moron]
networks:
  facebook: {public: {max_length: 10}}
""")
    assert errors == ["languages.en: key 'banned' appears twice (lines 3 and 5); the second "
                      "would silently replace the first"]


def test_yaml_that_does_not_parse_is_reported(write_policy):
    errors = problems(write_policy, "languages: [en\nnetworks: {")
    assert len(errors) == 1 and errors[0].startswith("not valid YAML:")


def test_a_json_policy_is_read_and_checked_the_same_way(write_policy):
    good = {"languages": {"en": {"commitments": ["refund"]}},
            "networks": {"facebook": {"public": {"max_length": 100}}}}
    policy = load_policy(write_policy(json.dumps(good), name="policy.json"))
    verdict = policy.evaluate("We refund", network="facebook", kind="public")
    assert verdict.decision.value == "needs_approval"
    errors = problems(write_policy, '{"languages": {"en": {}}, "languages": {}}',
                      name="bad.json")
    assert errors == ["key 'languages' appears twice in one object"]
    errors = problems(write_policy, '{"languages": ', name="broken.json")
    assert errors[0].startswith("not valid JSON:")


def test_a_missing_file_is_a_policy_error(tmp_path):
    errors = validate_policy_file(tmp_path / "nowhere.yaml")
    assert len(errors) == 1 and errors[0].startswith("cannot read the file:")


def test_data_that_is_not_a_mapping_is_refused():
    with pytest.raises(PolicyError) as raised:
        policy_from_data(["languages"])
    assert raised.value.errors == ("must be a mapping of keys to values, not a list",)
