"""The coaching playbook: cue texts and suggested responses per situation, industry and history.

The shipped default is `assets/playbook.toml`; IT can point `coaching.playbook` at an override file
that changes only the situations it names (merged over the default, table by table). The file
format is described at the top of the shipped file. Anything malformed raises `ConfigError`
naming the file, the situation and the fix.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesmind_desktop import paths
from salesmind_desktop.errors import ConfigError
from salesmind_desktop.insight.context import CustomerContext

OBJECTION_SITUATIONS = tuple(f"objection_{k}" for k in
                             ("price", "timing", "competitor", "authority", "need", "trust", "contract"))
SITUATIONS: tuple[str, ...] = ("negative_trend", *OBJECTION_SITUATIONS, "mixed_signal", "talk_share",
                               "monologue", "pace", "interrupting", "silence_after_question")
VARIANTS = ("raised_before", "declining")
PLACEHOLDERS = frozenset({"quote", "t", "ess", "share", "seconds", "wpm", "count", "customer"})
_FIELDS = ("text", "suggestion")


@dataclass(frozen=True)
class Entry:
    text: str
    suggestion: str = ""


@dataclass(frozen=True)
class Rendered:
    text: str
    suggestion: str
    variant: str  # "default", "industry:<name>", or a variant name


class _SafeFacts(dict):
    def __missing__(self, key: str) -> str:
        return ""


def default_playbook_path() -> Path:
    return paths.assets_dir() / "playbook.toml"


class Playbook:
    """Validated situations -> base entry, per-industry entries, per-context variants."""

    def __init__(self, data: dict[str, Any], origin: str = "<playbook>") -> None:
        self.origin = origin
        self._base: dict[str, Entry] = {}
        self._industries: dict[str, dict[str, Entry]] = {}
        self._variants: dict[str, dict[str, Entry]] = {}
        self._load(data)

    # ----------------------------------------------------------------------------- loading

    @classmethod
    def load(cls, path: str | Path | None = None) -> Playbook:
        """The shipped default, with the file at `path` (if given) merged over it."""
        default = _read(default_playbook_path())
        if not path:
            shipped = cls(default, str(default_playbook_path()))
            shipped.check_complete()
            return shipped
        override = _read(Path(path))
        cls(override, str(path))  # validate the override on its own, so errors name its file
        merged = cls(_merge(default, override), f"{default_playbook_path()} + {path}")
        merged.check_complete()
        return merged

    def _fail(self, where: str, problem: str, fix: str = "") -> ConfigError:
        return ConfigError(f"playbook {self.origin}: {where}: {problem}",
                           fix or "fix the playbook file (format described at the top of assets/playbook.toml)")

    def _load(self, data: dict[str, Any]) -> None:
        unknown = set(data) - {"version", "situations"}
        if unknown:
            raise self._fail("top level", f"unknown key(s) {sorted(unknown)}", "only 'version' and [situations.*] are allowed")
        if data.get("version", 1) != 1:
            raise self._fail("version", f"version {data.get('version')!r} is not supported", "use version = 1")
        situations = data.get("situations", {})
        if not isinstance(situations, dict):
            raise self._fail("situations", "must be a table of [situations.<type>]")
        for name, table in situations.items():
            if name not in SITUATIONS:
                raise self._fail(f"[situations.{name}]", "unknown situation",
                                 f"valid situations: {', '.join(SITUATIONS)}")
            if not isinstance(table, dict):
                raise self._fail(f"[situations.{name}]", "must be a table")
            extra = set(table) - {*_FIELDS, "industries", "variants"}
            if extra:
                raise self._fail(f"[situations.{name}]", f"unknown key(s) {sorted(extra)}",
                                 "allowed: text, suggestion, [.industries.<name>], [.variants.<name>]")
            if "text" in table:
                self._base[name] = self._entry(f"situations.{name}", table)
            for kind, store, allowed in (("industries", self._industries, None), ("variants", self._variants, VARIANTS)):
                sub = table.get(kind, {})
                if not isinstance(sub, dict):
                    raise self._fail(f"[situations.{name}.{kind}]", "must be a table")
                for key, entry in sub.items():
                    if allowed is not None and key not in allowed:
                        raise self._fail(f"[situations.{name}.{kind}.{key}]", "unknown variant",
                                         f"valid variants: {', '.join(allowed)}")
                    where = f"situations.{name}.{kind}.{key}"
                    if not isinstance(entry, dict) or not entry:
                        raise self._fail(f"[{where}]", "must be a table with text and/or suggestion")
                    store.setdefault(name, {})[key.lower() if kind == "industries" else key] = \
                        self._entry(where, entry, require_text=False)

    def _entry(self, where: str, table: dict[str, Any], require_text: bool = True) -> Entry:
        extra = set(table) - set(_FIELDS) - {"industries", "variants"}
        if extra:
            raise self._fail(f"[{where}]", f"unknown key(s) {sorted(extra)}", "allowed: text, suggestion")
        for key in _FIELDS:
            value = table.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or (key == "text" and not value.strip()):
                raise self._fail(f"[{where}] {key}", "must be a non-empty string")
            self._check_placeholders(where, key, value)
        if require_text and not table.get("text"):
            raise self._fail(f"[{where}]", "needs a 'text'")
        return Entry(table.get("text", ""), table.get("suggestion", ""))

    def _check_placeholders(self, where: str, key: str, value: str) -> None:
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
        except ValueError as exc:
            raise self._fail(f"[{where}] {key}", f"bad placeholder syntax ({exc})",
                             "write literal braces as {{ and }}") from None
        bad = names - PLACEHOLDERS
        if bad:
            raise self._fail(f"[{where}] {key}", f"unknown placeholder(s) {sorted(bad)}",
                             f"available: {', '.join(sorted(PLACEHOLDERS))}")

    def check_complete(self) -> None:
        missing = [s for s in SITUATIONS if s not in self._base]
        if missing:
            raise self._fail("situations", f"missing {', '.join(missing)}",
                             "every situation needs a [situations.<type>] table with a text")

    # ----------------------------------------------------------------------------- rendering

    def render(self, situation: str, facts: dict[str, Any] | None = None,
               industry: str = "", context: CustomerContext | None = None) -> Rendered:
        """Cue text and suggestion for a situation, picking industry and CRM-context variants."""
        entry = self._base.get(situation)
        if entry is None:
            return Rendered(situation.replace("_", " "), "", "missing")
        text, suggestion, variant = entry.text, entry.suggestion, "default"
        ind = (context.industry if context and context.industry else industry or "").lower()
        if ind and (over := self._industries.get(situation, {}).get(ind)):
            text, suggestion = over.text or text, over.suggestion or suggestion
            variant = f"industry:{ind}"
        if context is not None:
            for name in self._matching_variants(situation, context):
                if over := self._variants.get(situation, {}).get(name):
                    text, suggestion = over.text or text, over.suggestion or suggestion
                    variant = name
                    break
        values = _SafeFacts({k: v for k, v in (facts or {}).items()})
        values.setdefault("customer", (context.name if context and context.name else "The customer"))
        return Rendered(text.format_map(values), suggestion.format_map(values), variant)

    @staticmethod
    def _matching_variants(situation: str, context: CustomerContext) -> list[str]:
        out = []
        if situation.startswith("objection_") and context.raised_before(situation.removeprefix("objection_")):
            out.append("raised_before")
        if context.ess_trend == "declining":
            out.append("declining")
        return out


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"playbook file {path} does not exist",
                          "fix coaching.playbook in settings, or set it to \"\" for the shipped playbook") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"playbook file {path} is not valid TOML: {exc}",
                          "fix the syntax (compare with the shipped assets/playbook.toml)") from None
    except OSError as exc:
        raise ConfigError(f"cannot read playbook file {path}: {exc}", "check the file's permissions") from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
