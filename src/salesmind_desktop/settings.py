"""Typed settings: defaults < machine policy (IT) < user file < environment, with IT locks.

The user file is `config_dir()/settings.toml`; the machine policy is a TOML file at
`paths.machine_policy_file()` with the same sections plus an optional `[lock] keys = [...]`
listing dotted keys (e.g. `"crm.database"`, `"privacy.keep_audio"`) the rep may not change: a
locked key ignores the user file and environment, and `Settings.set()` refuses it.

Environment overrides are `SALESMIND_<SECTION>_<KEY>` (e.g. `SALESMIND_ASR_MODEL=base`).
Secrets never live here: the CRM password/URI with credentials is kept by `secrets.py` in the
OS keychain.

Each section is a small dataclass; the module that owns a feature owns its section's fields.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from salesmind_desktop import paths
from salesmind_desktop.errors import ConfigError


@dataclass
class AudioSettings:
    mic_device: str = ""  # "" = system default microphone
    loopback_device: str = ""  # "" = monitor of the default output
    swap_channels: bool = False  # for stereo files: left = customer, right = rep
    block_ms: int = 32
    # Live capture (docs/capture.md).
    device_fallback_s: float = 10.0  # a chosen device gone this long is replaced by the default (0 = wait)
    mute_after_s: float = 120.0  # mic without speech this long while the customer talks -> "muted"
    bleed_guard: bool = True  # drop mic utterances that are mostly the customer's audio (speakers)
    bleed_threshold: float = 0.35  # share of mic energy explained by the loopback that counts as bleed


@dataclass
class AsrSettings:
    model: str = "tiny.en"  # tiny.en | base | a path to a CTranslate2 Whisper folder
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "int8"
    beam_size: int = 1
    cpu_threads: int = 2
    window: str = "auto"  # auto: fit on live calls, full for files | fit: utterance + 6 s (~2.5x faster) | full: 30 s


@dataclass
class VadSettings:
    threshold: float = 0.5
    min_silence_ms: int = 500
    speculate_ms: int = 256  # live: start ASR after this much silence, before the utterance closes (0 = off)
    pre_roll_ms: int = 200
    min_speech_ms: int = 250
    max_utterance_s: float = 12.0


@dataclass
class EmotionSettings:
    text_engine: str = "hybrid"  # hybrid | transformer | vader
    voice: bool = True


@dataclass
class CoachingSettings:
    amber_below: float = 4.5
    red_below: float = 3.0
    sustain_s: float = 5.0
    cooldown_s: float = 45.0
    max_cues_per_call: int = 8
    playbook: str = ""  # "" = the shipped assets/playbook.toml
    industry: str = "default"
    # Rolling ESS and badge (see docs/coaching.md).
    half_life_s: float = 30.0  # recency half-life of the rolling ESS, audio seconds
    hysteresis: float = 0.5  # a badge recovers only above threshold + this margin
    # Cue policy thresholds.
    enabled: bool = True  # False = badge and summary only, no live cues
    min_gap_s: float = 12.0  # minimum time between any two cues
    snooze_s: float = 300.0  # how long "snooze" silences all cues
    mute_after_dismissals: int = 3  # a cue type dismissed this often is muted for the call
    hold_gap_s: float = 0.8  # deliver a held cue once the customer has been quiet this long
    objection_min_confidence: float = 0.5
    talk_share_max: float = 0.65  # rep share of speech over the talk window
    talk_window_s: float = 120.0
    monologue_s: float = 60.0
    pace_wpm: float = 180.0
    question_silence_s: float = 8.0  # customer silent this long after a rep question


@dataclass
class PrivacySettings:
    keep_audio: bool = False
    retention_days: int = 90
    consent_required: bool = True
    consent_script: str = "This call may be analysed on my computer to help me serve you better. Is that okay?"


@dataclass
class CrmSettings:
    database: str = "salesmind"
    approve_before_sync: bool = False
    rep_id: str = ""
    team: str = ""
    tls: bool = True  # ignored for 127.0.0.1/localhost; a tls=/ssl= option in the URI wins
    tls_ca_file: str = ""  # "" = the system CA store
    sync_interval_s: float = 30.0  # background sync period (failures retry sooner, with backoff)
    # IT preset (policy): the CRM connection string *without* a password (host, options, user for
    # X.509/Kerberos). A URI in the keychain (`crm connect`) or SALESMIND_MONGODB_URI wins.
    uri: str = ""


@dataclass
class UiSettings:
    badge_x: int = -1  # -1 = top-right corner of the primary screen
    badge_y: int = -1
    show_transcript: bool = False
    auto_start: bool = False  # start when both channels carry speech (consent reminder first)
    hotkey: str = "Ctrl+Shift+L"  # start/stop while any SalesMind window is active
    toast_seconds: int = 25  # a cue pop-up closes by itself after this long (0 = stays until answered)


@dataclass
class Settings:
    audio: AudioSettings = field(default_factory=AudioSettings)
    asr: AsrSettings = field(default_factory=AsrSettings)
    vad: VadSettings = field(default_factory=VadSettings)
    emotion: EmotionSettings = field(default_factory=EmotionSettings)
    coaching: CoachingSettings = field(default_factory=CoachingSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    crm: CrmSettings = field(default_factory=CrmSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    locked: frozenset[str] = frozenset()

    def get(self, key: str) -> Any:
        section, name = _split(key)
        return getattr(getattr(self, section), name)

    def set(self, key: str, value: Any) -> None:
        """Change one setting (as the rep would); refuses keys locked by the machine policy."""
        if key in self.locked:
            raise ConfigError(f"'{key}' is set by your IT policy and cannot be changed here",
                              f"ask IT to change it in {paths.machine_policy_file()}")
        section, name = _split(key)
        obj = getattr(self, section)
        setattr(obj, name, _coerce(key, value, type(getattr(obj, name))))

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {f.name: dataclasses.asdict(getattr(self, f.name)) for f in fields(self) if f.name != "locked"}


def _sections() -> list[str]:
    return [f.name for f in fields(Settings) if f.name != "locked"]


def _split(key: str) -> tuple[str, str]:
    section, _, name = key.partition(".")
    if section not in _sections() or not name or not hasattr(getattr(Settings(), section), name):
        raise ConfigError(f"unknown setting '{key}'", f"valid sections: {', '.join(_sections())}")
    return section, name


def _coerce(key: str, value: Any, kind: type) -> Any:
    try:
        if kind is bool and isinstance(value, str):
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if kind is bool and not isinstance(value, bool):
            raise ValueError(value)
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"setting '{key}' must be a {kind.__name__}, got {value!r}",
                          "fix the value in the settings file or environment variable") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}",
                          f"fix or delete {path} (defaults are used when it is absent)") from None
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc}", "check the file's permissions") from None


def _apply(settings: Settings, data: dict[str, Any], origin: Path | str, skip: frozenset[str]) -> None:
    for section, values in data.items():
        if section == "lock":
            continue
        if section not in _sections() or not isinstance(values, dict):
            raise ConfigError(f"{origin}: unknown section [{section}]", f"valid sections: {', '.join(_sections())}")
        for name, value in values.items():
            key = f"{section}.{name}"
            if key in skip:
                continue
            _split(key)  # validates the name
            obj = getattr(settings, section)
            setattr(obj, name, _coerce(key, value, type(getattr(obj, name))))


def user_settings_file() -> Path:
    return paths.config_dir() / "settings.toml"


def load(user_file: Path | None = None, policy_file: Path | None = None,
         environ: dict[str, str] | None = None) -> Settings:
    """Build settings from defaults, machine policy, the user file and the environment."""
    user_file = user_file or user_settings_file()
    policy_file = policy_file or paths.machine_policy_file()
    environ = os.environ if environ is None else environ
    settings = Settings()

    policy = _read_toml(policy_file)
    lock = policy.get("lock", {}).get("keys", [])
    if not isinstance(lock, list) or not all(isinstance(k, str) for k in lock):
        raise ConfigError(f"{policy_file}: [lock] keys must be a list of dotted setting names",
                          'e.g. keys = ["crm.database", "privacy.keep_audio"]')
    for key in lock:
        _split(key)
    _apply(settings, policy, policy_file, frozenset())
    settings.locked = frozenset(lock)

    _apply(settings, _read_toml(user_file), user_file, settings.locked)

    for section in _sections():
        for name in dataclasses.asdict(getattr(settings, section)):
            env_key = f"SALESMIND_{section}_{name}".upper()
            key = f"{section}.{name}"
            if env_key in environ and key not in settings.locked:
                obj = getattr(settings, section)
                setattr(obj, name, _coerce(key, environ[env_key], type(getattr(obj, name))))
    return settings


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    raise TypeError(f"cannot write {value!r} to TOML")


def save(settings: Settings, user_file: Path | None = None, policy_file: Path | None = None,
         environ: dict[str, str] | None = None) -> Path:
    """Write the rep's own choices atomically: never locked keys, and only values that differ from
    the defaults + machine policy (or that the file already holds), so a later change of the IT
    policy still reaches reps who never touched that setting. Values that come only from a
    SALESMIND_* environment variable are not persisted."""
    user_file = user_file or user_settings_file()
    environ = os.environ if environ is None else environ
    baseline = load(user_file=user_file.with_name(user_file.name + ".absent"), policy_file=policy_file, environ={})
    existing = _read_toml(user_file)
    lines: list[str] = []
    for section, values in settings.to_dict().items():
        lines.append(f"[{section}]")
        mine = existing.get(section, {}) if isinstance(existing.get(section), dict) else {}
        for name, value in values.items():
            key = f"{section}.{name}"
            if key in settings.locked:
                continue
            env_value = environ.get(f"SALESMIND_{section}_{name}".upper())
            if env_value is not None and _coerce(key, env_value, type(value)) == value:
                if name in mine:  # the environment overrides the file for now: keep the file's value
                    lines.append(f"{name} = {_toml_value(_coerce(key, mine[name], type(value)))}")
            elif name in mine or value != baseline.get(key):
                lines.append(f"{name} = {_toml_value(value)}")
        lines.append("")
    user_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = user_file.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.replace(tmp, user_file)
    return user_file
