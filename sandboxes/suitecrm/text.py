"""Text the way SuiteCRM 7 stores and answers it, and the SocialCRM package's text guard.

Measured on a real SuiteCRM 7.14.6 (PHP 8.2, MariaDB; the differential check in
``tests/live`` compares the sandbox with it, and ``tests/suitecrm_text_vectors.json``
lists the texts both must treat alike):

* **Write.** ``SugarBean::cleanBean`` trims ``name``/``varchar`` values, then runs
  ``purify_html`` (HTMLPurifier) on every char/text/enum field; the value written to the
  database goes through ``from_html``. Net effect: HTML entities are decoded (HTML 4.01
  names, ``&apos;``, numeric references; ``&amp`` without ``;`` stays), ``<script>`` and
  ``<style>`` elements vanish with their content, unknown tags (``<x>``) vanish and keep
  their content, known ones (``<b>``, ``<p>``, ``<a href>`` ...) stay without event
  attributes, unclosed ones are closed, ``<br>`` becomes ``<br />``. This module copies
  that for a fixed list of texts; it is not HTMLPurifier.
* **Database.** SuiteCRM's connection is 3-byte ``utf8``: a character outside the Basic
  Multilingual Plane is stored as one ``?`` per UTF-8 byte (an emoji as ``????``).
* **Read.** Rows are read with ``to_html``: ``"`` ``<`` ``>`` ``'`` become ``&quot;``
  ``&lt;`` ``&gt;`` ``&#039;`` (``&`` is not encoded). ``email1`` and friends are filled
  without it and come back raw.
* **Filters** go through ``from_html`` too, then through the same 3-byte connection.

With the SocialCRM package installed, its text guard runs on the modules it writes
(``GUARDED_MODULES``): ``before_save``, after the sanitizer, stores each 4-byte character
as ``\\u{HEX}`` (uppercase, no leading zeros; an escape already there stays as it is);
``after_retrieve``/``process_record`` show each such escape as ``&#xHEX;``. Relate
values (``account_name``) are read by SuiteCRM without the record's hooks, so they keep
the escape; the client decodes both forms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.entities import name2codepoint
from typing import Any

# The modules whose string fields the package's text guard rewrites (plugin.model's
# TEXT_GUARDED_MODULES; a test keeps the two in step).
GUARDED_MODULES = frozenset({
    "SCRM_SocialInteractions", "SCRM_SocialProfiles", "Calls", "Meetings", "Tasks", "Notes",
    "Cases", "Opportunities", "Contacts", "Leads", "Accounts",
})

TO_HTML = {'"': "&quot;", "<": "&lt;", ">": "&gt;", "'": "&#039;"}
_TO_HTML = re.compile("[\"<>']")
_ENTITY = re.compile(r"&(?:#[xX]([0-9A-Fa-f]{1,8})|#([0-9]{1,10})|([A-Za-z][A-Za-z0-9]{1,31}));")
_NAMED = {**name2codepoint, "apos": 0x27}
_PHP_TRIM = " \t\n\r\0\x0b"
_TRIMMED_TYPES = frozenset({"name", "varchar"})
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_GUARD_OUT = re.compile(r"\\u\{([1-9A-F][0-9A-F]{4}|10[0-9A-F]{4})\}")

_HIDDEN = re.compile(r"<(script|style|title|head)\b[^>]*>.*?(</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s[^<>]*)?)/?>")
_OPEN_TAIL = re.compile(r"</?[A-Za-z][^>]*$")
_HREF = re.compile(r"""\shref\s*=\s*"([^"]*)\"""")
KEPT_TAGS = frozenset({"a", "b", "blockquote", "code", "div", "em", "h1", "h2", "h3", "i",
                       "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "u", "ul"})
EMPTY_TAGS = frozenset({"br", "hr"})


def to_html(text: str) -> str:
    """SuiteCRM's ``to_html``: the four characters of its table, nothing else."""
    return _TO_HTML.sub(lambda m: TO_HTML[m.group(0)], text)


def _entity(match: re.Match[str]) -> str:
    hex_digits, decimal, name = match.groups()
    if name is not None:
        code = _NAMED.get(name)
        return chr(code) if code is not None else match.group(0)
    code = int(hex_digits, 16) if hex_digits is not None else int(decimal)
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return match.group(0)


def from_html(text: str) -> str:
    """PHP's ``html_entity_decode(..., ENT_HTML401 | ENT_QUOTES)`` as ``from_html`` runs it."""
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _tags(text: str) -> str:
    """Known tags kept (attributes other than ``a href`` dropped, unclosed ones closed),
    unknown ones removed with their content kept, an unterminated tag at the end dropped."""
    open_tags: list[str] = []

    def tag(match: re.Match[str]) -> str:
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if name in EMPTY_TAGS:
            return "" if closing else f"<{name} />"
        if name not in KEPT_TAGS:
            return ""
        if closing:
            if name not in open_tags:
                return ""
            closed = ""
            while open_tags:
                last = open_tags.pop()
                closed += f"</{last}>"
                if last == name:
                    break
            return closed
        open_tags.append(name)
        href = _HREF.search(attributes) if name == "a" else None
        return f'<a href="{href.group(1)}">' if href else f"<{name}>"

    cleaned = _TAG.sub(tag, _OPEN_TAIL.sub("", text))
    return cleaned + "".join(f"</{name}>" for name in reversed(open_tags))


def purify(text: str) -> str:
    """What ``purify_html`` and ``from_html`` leave of a text (for the covered texts)."""
    decoded = from_html(from_html(text))  # purify_html decodes twice
    return _tags(_HIDDEN.sub("", decoded))


def is_sanitized(meta: Mapping[str, Any]) -> bool:
    """``cleanBean``'s rule: char/text types, enums and HTML fields are purified."""
    type_ = str(meta.get("type", ""))
    both = type_ + str(meta.get("dbType", ""))
    return "char" in both or "text" in both or type_ in {"enum", "html", "longhtml"}


def php_trim(text: str) -> str:
    return text.strip(_PHP_TRIM)


def utf8mb3(text: str) -> str:
    """What a 3-byte ``utf8`` MySQL connection makes of a text: ``?`` per byte of a
    4-byte character."""
    return _ASTRAL.sub("????", text)


def guard_escape(text: str) -> str:
    """The package's ``before_save``: each 4-byte character as its escape."""
    return _ASTRAL.sub(lambda m: f"\\u{{{ord(m.group(0)):X}}}", text)


def guard_unescape(text: str) -> str:
    """The text the package's ``before_save`` was given (its escapes undone)."""
    return _GUARD_OUT.sub(lambda m: chr(int(m.group(1), 16)), text)


def guard_display(text: str) -> str:
    """The package's ``after_retrieve``: each escape as an HTML numeric reference."""
    return _GUARD_OUT.sub(lambda m: f"&#x{m.group(1)};", text)


class TextRules:
    """Text on its way into and out of one sandbox (with or without the text guard)."""

    def __init__(self, guarded: frozenset[str] = frozenset()) -> None:
        self.guarded = guarded

    def is_guarded(self, module: str) -> bool:
        return module in self.guarded

    def save(self, module: str, meta: Mapping[str, Any], value: str) -> str:
        """A string attribute as the database holds it after a save."""
        if str(meta.get("type", "")) in _TRIMMED_TYPES:
            value = php_trim(value)
        if value and is_sanitized(meta):
            value = purify(value)
        return self.store(module, value)

    def store(self, module: str, value: str) -> str:
        """The last step of a save: the text guard (when it runs), then the connection."""
        if self.is_guarded(module):
            value = guard_escape(value)
        return utf8mb3(value)

    def show(self, module: str, value: str, *, hooks: bool = True) -> str:
        """A stored string as V8 answers it; ``hooks=False`` for relate values, which
        SuiteCRM reads without the related record's ``after_retrieve``."""
        shown = to_html(value)
        if hooks and self.is_guarded(module):
            shown = guard_display(shown)
        return shown

    @staticmethod
    def operand(value: str) -> str:
        """A filter value as the SQL compares it (``from_html``, then the connection)."""
        return utf8mb3(from_html(value))
