"""What the SuiteCRM package adds, declared once in plain Python.

The PHP files under ``plugin/package`` are what SuiteCRM runs; this module is what the
rest of SocialCRM reads (the SuiteCRM sandbox, the sync rules, the tests). The plugin
tests load the PHP metadata with PHP itself and compare it with these declarations, so
the two cannot drift apart silently. Nothing here parses PHP at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from plugin.model_types import (
    CustomField,
    Dropdown,
    Field,
    Index,
    Module,
    Relationship,
)

PACKAGE_ID = "SCRM"
SETTINGS_CATEGORY = "socialcrm"
# Change notices (scrm_change_events.php); before_delete only notes the assignee.
HOOK_EVENTS = ("before_delete", "after_save", "after_delete")
HOOKED_MODULES = (
    "Calls",
    "Meetings",
    "Tasks",
    "Notes",
    "Cases",
    "Opportunities",
    "Contacts",
    "Leads",
    "SCRM_SocialInteractions",
)
# The text guard (scrm_text_guard.php): 4-byte characters on 3-byte tables, on every module
# the SocialCRM service writes text to.
TEXT_GUARD_EVENTS = ("before_save", "after_retrieve", "process_record")
TEXT_GUARDED_MODULES = (*HOOKED_MODULES, "SCRM_SocialProfiles", "Accounts")


# The icons' stylesheet on every page (scrm_icons.php, an application hook).
APPLICATION_HOOK_EVENTS = ("after_ui_frame",)


def hook_events(module_name: str) -> tuple[str, ...]:
    """Every logic hook event the package registers on a module (or "application"), sorted."""
    if module_name == "application":
        return APPLICATION_HOOK_EVENTS
    events = (HOOK_EVENTS if module_name in HOOKED_MODULES else ()) + (
        TEXT_GUARD_EVENTS if module_name in TEXT_GUARDED_MODULES else ())
    return tuple(sorted(events))

def _dropdown(name: str, *, blank: bool = False, **labels: str) -> Dropdown:
    """A list in the given order; ``blank`` puts SuiteCRM's empty choice first (optional enums)."""
    return Dropdown(name, ((("", ""),) if blank else ()) + tuple(labels.items()))


DROPDOWNS = (
    _dropdown("scrm_network_list", facebook="Facebook", linkedin="LinkedIn"),
    _dropdown("scrm_interaction_kind_list", post="Post", comment="Comment", reply="Reply",
              message="Message", reaction_summary="Reaction summary",
              lead_form="Lead form submission"),
    _dropdown("scrm_direction_list", inbound="Inbound", outbound="Outbound"),
    _dropdown("scrm_interaction_status_list", new="New", assigned="Assigned",
              responded="Responded", closed="Closed", closed_publicly="Closed publicly",
              hidden="Hidden", deleted="Deleted"),
    _dropdown("scrm_sentiment_list", blank=True, positive="Positive", neutral="Neutral",
              negative="Negative", mixed="Mixed"),
    _dropdown("scrm_policy_verdict_list", blank=True, allowed="Allowed",
              needs_approval="Needs approval", approved="Approved", rejected="Rejected",
              blocked="Blocked"),
)


def _text(name: str, label: str, *, required: bool = False, len: int = 255) -> Field:
    return Field(name, "varchar", label, len=len, required=required)


def _url(name: str, label: str) -> Field:
    return Field(name, "url", label, db_type="varchar", len=255)


def _when(name: str, label: str, *, required: bool = False) -> Field:
    return Field(name, "datetimecombo", label, db_type="datetime", required=required)


def _enum(name: str, label: str, options: str, *, len: int, required: bool = False,
          default: str | None = None) -> Field:
    return Field(name, "enum", label, len=len, required=required, default=default,
                 options=options)


def _ratio(name: str, label: str) -> Field:
    """A score from -1 to 1 with 4 decimals: DECIMAL(7,4), len written "digits,decimals"
    so that SuiteCRM never cuts it on update and its edit input fits "-0.8123"."""
    return Field(name, "decimal", label, db_type="decimal", len="7,4", precision=4)


INTERACTION_FIELDS = (
    Field("name", "name", "LBL_SCRM_SUBJECT", db_type="varchar", len=255),
    _enum("network", "LBL_SCRM_NETWORK", "scrm_network_list", len=20, required=True),
    _text("external_id", "LBL_SCRM_EXTERNAL_ID", required=True),
    _enum("kind", "LBL_SCRM_KIND", "scrm_interaction_kind_list", len=30, required=True),
    _enum("direction", "LBL_SCRM_DIRECTION", "scrm_direction_list", len=10, required=True,
          default="inbound"),
    _text("parent_external_id", "LBL_SCRM_PARENT_EXTERNAL_ID"),
    _text("thread_external_id", "LBL_SCRM_THREAD_EXTERNAL_ID"),
    _text("author_name", "LBL_SCRM_AUTHOR_NAME"),
    _text("author_handle", "LBL_SCRM_AUTHOR_HANDLE"),
    _url("author_profile_url", "LBL_SCRM_AUTHOR_PROFILE_URL"),
    _text("author_external_id", "LBL_SCRM_AUTHOR_EXTERNAL_ID"),
    Field("body", "text", "LBL_SCRM_BODY"),
    _url("permalink", "LBL_SCRM_PERMALINK"),
    _when("occurred_at", "LBL_SCRM_OCCURRED_AT", required=True),
    _ratio("sentiment_score", "LBL_SCRM_SENTIMENT_SCORE"),
    _enum("sentiment_label", "LBL_SCRM_SENTIMENT_LABEL", "scrm_sentiment_list", len=20),
    _text("language", "LBL_SCRM_LANGUAGE", len=16),
    _enum("status", "LBL_SCRM_STATUS", "scrm_interaction_status_list", len=20, required=True,
          default="new"),
    _when("first_response_at", "LBL_SCRM_FIRST_RESPONSE_AT"),
    _when("sla_due_at", "LBL_SCRM_SLA_DUE_AT"),
    _enum("policy_verdict", "LBL_SCRM_POLICY_VERDICT", "scrm_policy_verdict_list", len=20),
    # Outbound replies: why the policy held or blocked one, and the manager who decided.
    Field("policy_reasons", "text", "LBL_SCRM_POLICY_REASONS"),
    _text("policy_approver_id", "LBL_SCRM_POLICY_APPROVER_ID", len=36),
    _text("policy_approver_name", "LBL_SCRM_POLICY_APPROVER_NAME"),
    Field("policy_note", "text", "LBL_SCRM_POLICY_NOTE"),
    Field("raw_payload", "text", "LBL_SCRM_RAW_PAYLOAD", db_type="longtext", in_views=False),
)

PROFILE_FIELDS = (
    Field("name", "name", "LBL_SCRM_PROFILE_NAME", db_type="varchar", len=255),
    _enum("network", "LBL_SCRM_NETWORK", "scrm_network_list", len=20, required=True),
    _text("external_id", "LBL_SCRM_EXTERNAL_ID", required=True),
    _text("handle", "LBL_SCRM_HANDLE"),
    _text("display_name", "LBL_SCRM_DISPLAY_NAME"),
    _url("profile_url", "LBL_SCRM_PROFILE_URL"),
    Field("followers", "int", "LBL_SCRM_FOLLOWERS"),
    Field("advocate_score", "int", "LBL_SCRM_ADVOCATE_SCORE"),
    Field("discount_seeker", "bool", "LBL_SCRM_DISCOUNT_SEEKER", default="0"),
    _ratio("match_confidence", "LBL_SCRM_MATCH_CONFIDENCE"),
    Field("match_evidence", "text", "LBL_SCRM_MATCH_EVIDENCE"),
)

_TEMPLATES = ("basic", "assignable", "security_groups")

MODULES = (
    Module(
        "SCRM_SocialInteractions", "SCRM_SocialInteraction", "scrm_socialinteractions",
        "Social Interaction", "Social Interactions", _TEMPLATES, INTERACTION_FIELDS,
        (
            Index("idx_scrm_si_network_ext", "index", ("network", "external_id", "deleted")),
            Index("idx_scrm_si_contact", "index", ("contact_id", "deleted")),
            Index("idx_scrm_si_lead", "index", ("lead_id", "deleted")),
            Index("idx_scrm_si_account", "index", ("account_id", "deleted")),
            Index("idx_scrm_si_case", "index", ("case_id", "deleted")),
            Index("idx_scrm_si_profile", "index", ("profile_id", "deleted")),
            Index("idx_scrm_si_status_sla", "index", ("status", "sla_due_at", "deleted")),
            Index("idx_scrm_si_occurred", "index", ("occurred_at", "deleted")),
        ),
    ),
    Module(
        "SCRM_SocialProfiles", "SCRM_SocialProfile", "scrm_socialprofiles",
        "Social Profile", "Social Profiles", _TEMPLATES, PROFILE_FIELDS,
        (
            Index("idx_scrm_sp_network_ext", "index", ("network", "external_id", "deleted")),
            Index("idx_scrm_sp_contact", "index", ("contact_id", "deleted")),
            Index("idx_scrm_sp_lead", "index", ("lead_id", "deleted")),
            Index("idx_scrm_sp_account", "index", ("account_id", "deleted")),
        ),
    ),
)

MODULES_BY_NAME: Mapping[str, Module] = MappingProxyType({m.name: m for m in MODULES})

# The change outbox (SCRM_OutboxWriter appends, the service drains it over V8): one row per
# change of a hooked record, numbered by the database in commit order. Its text fields are
# plain ASCII (module and field names, ids, ISO 8601 UTC times with seconds, which V8 would
# cut to the minute in a datetime field). Not a module for people: no tab, no role actions,
# not listed by V8's /meta; only administrators (the service account acts as one) read or
# delete its rows, and deleting one removes it and every older row for good.
OUTBOX_FIELDS = (
    Field("sequence", "int", "LBL_SCRM_SEQUENCE", len=11, required=True, auto_increment=True),
    _text("record_module", "LBL_SCRM_RECORD_MODULE", required=True, len=100),
    Field("record_id", "id", "LBL_SCRM_RECORD_ID", db_type="id", required=True),
    _text("action", "LBL_SCRM_ACTION", required=True, len=10),
    Field("changed_fields", "text", "LBL_SCRM_CHANGED_FIELDS"),
    Field("record_assigned_user_id", "id", "LBL_SCRM_RECORD_ASSIGNED_USER_ID", db_type="id"),
    _text("record_date_modified", "LBL_SCRM_RECORD_DATE_MODIFIED", len=20),
    _text("occurred_at", "LBL_SCRM_OCCURRED_AT", len=20),
)

OUTBOX = Module(
    "SCRM_ChangeOutbox", "SCRM_OutboxChange", "scrm_change_outbox", "Change Outbox Entry",
    "Change Outbox", ("basic",), OUTBOX_FIELDS,
    # MySQL needs the auto-increment column in an index; the drain reads by it.
    (Index("idx_scrm_outbox_sequence", "index", ("sequence",)),),
)

# Modules the package installs for the SocialCRM service, not for people (see OUTBOX).
SERVICE_MODULES = (OUTBOX,)
_ALL_MODULES: Mapping[str, Module] = MappingProxyType(
    {m.name: m for m in (*MODULES, *SERVICE_MODULES)})

_CORE = {  # module -> (object name, table)
    "Contacts": ("Contact", "contacts"),
    "Leads": ("Lead", "leads"),
    "Accounts": ("Account", "accounts"),
    "Cases": ("Case", "cases"),
}


def _rel(lhs: str, rhs: str, stem: str) -> Relationship:
    lhs_object, lhs_table = _CORE.get(lhs, ("SCRM_SocialProfile", "scrm_socialprofiles"))
    lhs_short = lhs.removeprefix("SCRM_").lower()
    rhs_short = rhs.removeprefix("SCRM_").lower()
    prefix = stem.lower()
    return Relationship(
        name=f"scrm_{lhs_short}_{rhs_short}", lhs_module=lhs, lhs_object=lhs_object,
        lhs_table=lhs_table, rhs_module=rhs, rhs_table=f"scrm_{rhs_short}",
        rhs_key=f"{prefix}_id", lhs_link=f"scrm_{rhs_short}", rhs_link=f"{prefix}_link",
        rhs_relate=f"{prefix}_name", label_stem=stem,
    )


RELATIONSHIPS = (
    _rel("Contacts", "SCRM_SocialInteractions", "CONTACT"),
    _rel("Leads", "SCRM_SocialInteractions", "LEAD"),
    _rel("Accounts", "SCRM_SocialInteractions", "ACCOUNT"),
    _rel("Cases", "SCRM_SocialInteractions", "CASE"),
    _rel("SCRM_SocialProfiles", "SCRM_SocialInteractions", "PROFILE"),
    _rel("Contacts", "SCRM_SocialProfiles", "CONTACT"),
    _rel("Leads", "SCRM_SocialProfiles", "LEAD"),
    _rel("Accounts", "SCRM_SocialProfiles", "ACCOUNT"),
)


_SOCIAL_FIELDS = (
    Field("scrm_avg_sentiment_c", "decimal", "LBL_SCRM_AVG_SENTIMENT", db_type="decimal", len=7,
          precision=4, source="custom_fields"),
    Field("scrm_advocate_score_c", "int", "LBL_SCRM_ADVOCATE_SCORE", db_type="int", len=11,
          source="custom_fields"),
    Field("scrm_last_social_at_c", "datetimecombo", "LBL_SCRM_LAST_SOCIAL_AT",
          db_type="datetime", source="custom_fields"),
)


CUSTOM_FIELDS = tuple(CustomField(m, f) for m in ("Contacts", "Leads", "Accounts")
                      for f in _SOCIAL_FIELDS)

# The fields SuiteCRM's SugarObject templates add (include/SugarObjects/templates and
# implements); listed as the V8 API reports them so the sandbox can serve /meta/fields.
# As in the model's own fields, db_type is set only where the template writes dbType. A
# template names its links' relationships after the module: "{module}" stands for the
# lower-cased module name (the templates' strtolower($module)).
TEMPLATE_FIELDS: dict[str, tuple[Field, ...]] = {
    "basic": (
        Field("id", "id", "LBL_ID", required=True),
        Field("name", "name", "LBL_NAME", db_type="varchar", len=255, required=True),
        Field("date_entered", "datetime", "LBL_DATE_ENTERED"),
        Field("date_modified", "datetime", "LBL_DATE_MODIFIED"),
        Field("modified_user_id", "assigned_user_name", "LBL_MODIFIED", db_type="id"),
        Field("modified_by_name", "relate", "LBL_MODIFIED_NAME", source="non-db"),
        Field("created_by", "assigned_user_name", "LBL_CREATED", db_type="id"),
        Field("created_by_name", "relate", "LBL_CREATED", source="non-db"),
        Field("description", "text", "LBL_DESCRIPTION"),
        Field("deleted", "bool", "LBL_DELETED", default="0"),
        Field("created_by_link", "link", "LBL_CREATED_USER", source="non-db", module="Users",
              relationship="{module}_created_by"),
        Field("modified_user_link", "link", "LBL_MODIFIED_USER", source="non-db",
              module="Users", relationship="{module}_modified_user"),
    ),
    "assignable": (
        Field("assigned_user_id", "relate", "LBL_ASSIGNED_TO_ID", db_type="id"),
        Field("assigned_user_name", "relate", "LBL_ASSIGNED_TO_NAME", source="non-db"),
        Field("assigned_user_link", "link", "LBL_ASSIGNED_TO_USER", source="non-db",
              module="Users", relationship="{module}_assigned_user"),
    ),
    "security_groups": (
        Field("SecurityGroups", "link", "LBL_SECURITYGROUPS", source="non-db",
              module="SecurityGroups", relationship="securitygroups_{module}"),
    ),
}


def module(name: str) -> Module:
    """A module the package installs: one of ``MODULES`` or ``SERVICE_MODULES``."""
    try:
        return _ALL_MODULES[name]
    except KeyError:
        raise KeyError(f"no module {name!r} in the SocialCRM package") from None


def dropdown(name: str) -> Dropdown:
    for candidate in DROPDOWNS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no dropdown list {name!r} in the SocialCRM package")


def declared_fields(module_name: str) -> tuple[Field, ...]:
    """The fields the module's own ``vardefs.php`` declares, in file order."""
    own = module(module_name).fields
    rhs = tuple(f for r in RELATIONSHIPS if r.rhs_module == module_name for f in r.rhs_fields())
    lhs = tuple(r.lhs_field() for r in RELATIONSHIPS if r.lhs_module == module_name)
    return own + rhs + lhs


def all_fields(module_name: str) -> tuple[Field, ...]:
    """Every field of a package module as SuiteCRM assembles it, in SuiteCRM's order.

    Template fields come first; a field the module declares with a template field's name
    replaces it in place (SuiteCRM's ``array_merge`` keeps the first position).
    """
    mod = module(module_name)
    declared = {f.name: f for f in declared_fields(module_name)}
    ordered: dict[str, Field] = {}
    for template in mod.templates:
        for template_field in TEMPLATE_FIELDS[template]:
            ordered[template_field.name] = declared.pop(
                template_field.name, _for_module(template_field, module_name))
    ordered.update(declared)
    return tuple(ordered.values())


def _for_module(field: Field, module_name: str) -> Field:
    """A template field as the template writes it for one module (its link's relationship)."""
    if field.relationship is None:
        return field
    return replace(field, relationship=field.relationship.format(module=module_name.lower()))


def core_fields(module_name: str) -> tuple[Field, ...]:
    """What the package adds to a core module: custom fields, then link fields."""
    custom = tuple(c.field for c in CUSTOM_FIELDS if c.module == module_name)
    links = tuple(r.lhs_field() for r in RELATIONSHIPS if r.lhs_module == module_name)
    return custom + links


def schema() -> dict[str, tuple[Field, ...]]:
    """Per module, the ordered fields the package defines or adds (type, default, ...).

    Package modules list all their fields; core modules list only what the package
    adds to them. This is the shape the SuiteCRM sandbox needs to learn the package.
    ``SERVICE_MODULES`` are not in it (``all_fields`` gives theirs): every key here that
    is not in ``MODULES`` is a core module.
    """
    result = {m.name: all_fields(m.name) for m in MODULES}
    for core in _CORE:
        result[core] = core_fields(core)
    return result
