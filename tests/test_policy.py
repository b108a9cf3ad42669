"""Machine-wide IT policy: presets, locks, precedence, SALESMIND_POLICY_FILE, clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from salesmind_desktop import paths, settings
from salesmind_desktop.cli import main
from salesmind_desktop.errors import ConfigError

pytest_plugins = ["fixtures_mongo"]  # nx-27017 (session-wide)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "packaging" / "policy.example.toml"

POLICY = """
[asr]
model = "base"
cpu_threads = 4

[privacy]
retention_days = 14
keep_audio = false
consent_script = "Company script: this call is analysed locally."

[crm]
database = "acme_crm"

[lock]
keys = ["privacy.keep_audio", "privacy.consent_script", "crm.database"]
"""


@pytest.fixture
def policy(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY)
    monkeypatch.setenv("SALESMIND_POLICY_FILE", str(path))
    return path


def _user_file(text: str) -> Path:
    path = settings.user_settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_policy_presets_apply_over_defaults(policy):
    s = settings.load()
    assert s.asr.model == "base" and s.asr.cpu_threads == 4
    assert s.privacy.retention_days == 14
    assert s.privacy.consent_script.startswith("Company script")
    assert s.crm.database == "acme_crm"
    assert s.locked == {"privacy.keep_audio", "privacy.consent_script", "crm.database"}
    assert s.vad.threshold == settings.VadSettings().threshold  # untouched sections keep defaults


def test_user_file_and_env_override_unlocked_keys_only(policy, monkeypatch):
    _user_file('[asr]\ncpu_threads = 1\n[privacy]\nkeep_audio = true\nretention_days = 7\n'
               '[crm]\ndatabase = "mine"\n')
    monkeypatch.setenv("SALESMIND_PRIVACY_RETENTION_DAYS", "3")
    monkeypatch.setenv("SALESMIND_CRM_DATABASE", "from_env")
    monkeypatch.setenv("SALESMIND_PRIVACY_KEEP_AUDIO", "yes")
    s = settings.load()
    assert s.asr.cpu_threads == 1  # user file beats policy for an unlocked key
    assert s.privacy.retention_days == 3  # environment beats the user file
    assert s.privacy.keep_audio is False  # locked: user file and env ignored
    assert s.crm.database == "acme_crm"


def test_locked_key_refused_with_clear_error(policy):
    s = settings.load()
    with pytest.raises(ConfigError) as info:
        s.set("privacy.keep_audio", True)
    assert "IT policy" in info.value.message and "privacy.keep_audio" in info.value.message
    assert str(policy) in info.value.fix
    assert s.privacy.keep_audio is False
    s.set("privacy.retention_days", "30")  # unlocked keys still change
    assert s.privacy.retention_days == 30


def test_save_never_writes_locked_keys(policy):
    s = settings.load()
    s.set("asr.cpu_threads", 3)
    written = settings.save(s).read_text()
    assert "cpu_threads = 3" in written
    assert "keep_audio" not in written and "consent_script" not in written and "database" not in written
    assert settings.load().asr.cpu_threads == 3


def test_saving_does_not_freeze_policy_presets_or_environment_values(policy, monkeypatch):
    """A rep who saves other settings still gets IT's later policy changes; env values stay transient."""
    monkeypatch.setenv("SALESMIND_ASR_BEAM_SIZE", "5")
    s = settings.load()
    s.set("ui.badge_x", 40)
    written = settings.save(s).read_text()
    assert "badge_x = 40" in written
    assert "cpu_threads" not in written and "beam_size" not in written and "retention_days" not in written
    policy.write_text(POLICY.replace("cpu_threads = 4", "cpu_threads = 6"))  # IT changes the preset
    monkeypatch.delenv("SALESMIND_ASR_BEAM_SIZE")
    again = settings.load()
    assert again.asr.cpu_threads == 6 and again.ui.badge_x == 40
    assert again.asr.beam_size == settings.AsrSettings().beam_size
    again.set("asr.cpu_threads", 2)
    settings.save(again)
    policy.write_text(POLICY.replace("cpu_threads = 4", "cpu_threads = 8"))
    assert settings.load().asr.cpu_threads == 2  # an explicit choice survives policy changes


def test_policy_file_env_var_and_platform_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESMIND_POLICY_FILE", str(tmp_path / "p.toml"))
    assert paths.machine_policy_file() == tmp_path / "p.toml"
    monkeypatch.delenv("SALESMIND_POLICY_FILE")
    monkeypatch.setattr(sys, "platform", "linux")
    assert paths.machine_policy_file() == Path("/etc/salesmind/policy.toml")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert paths.machine_policy_file() == Path("/Library/Application Support/SalesMind/policy.toml")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("PROGRAMDATA", r"D:\PD")
    assert str(paths.machine_policy_file()).replace("/", "\\").endswith(r"D:\PD\SalesMind\policy.toml")


@pytest.mark.parametrize("text, needle", [
    ("[lock]\nkeys = \"crm.database\"\n", "must be a list"),
    ("[lock]\nkeys = [\"crm.nope\"]\n", "unknown setting 'crm.nope'"),
    ("[crmm]\ndatabase = \"x\"\n", "unknown section [crmm]"),
    ("[privacy]\nretention_days = \"forever\"\n", "must be a int"),
    ("[privacy\nretention_days = 3\n", "not valid TOML"),
])
def test_broken_policy_is_a_clear_error(policy, text, needle):
    policy.write_text(text)
    with pytest.raises(ConfigError) as info:
        settings.load()
    assert needle in info.value.message
    assert info.value.fix


def test_broken_policy_via_cli_prints_error_and_fix_not_traceback(policy, capsys):
    policy.write_text("[lock]\nkeys = [\"privacy.nope\"]\n")
    code = main(["selftest", "--check-policy", str(policy)])
    err = capsys.readouterr().err
    assert code == ConfigError.exit_code
    assert "error: unknown setting 'privacy.nope'" in err and "fix:" in err
    assert "Traceback" not in err


def test_shipped_example_policy_is_valid_and_locks_privacy(capsys):
    s = settings.load(policy_file=EXAMPLE, user_file=EXAMPLE.with_name("absent.toml"), environ={})
    assert {"privacy.keep_audio", "privacy.consent_script", "crm.database"} <= s.locked
    assert s.privacy.retention_days == 30 and s.privacy.consent_required is True
    assert main(["selftest", "--check-policy", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "privacy.keep_audio = False  (locked)" in out


def test_check_policy_reports_locks_left_at_default(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text('[lock]\nkeys = ["ui.auto_start"]\n')
    assert main(["selftest", "--check-policy", str(path)]) == 0
    assert "ui.auto_start = False  (locked at the built-in default)" in capsys.readouterr().out


@pytest.fixture
def empty_keychain(monkeypatch):
    import keyring
    from keyring.backends import null

    monkeypatch.setattr(keyring, "get_keyring", lambda: null.Keyring())
    monkeypatch.delenv("SALESMIND_MONGODB_URI", raising=False)


@pytest.mark.crm
def test_policy_presets_the_crm_uri_and_the_doctor_reaches_it(policy, mongo_uri, empty_keychain):
    from salesmind_desktop import doctor_checks
    from salesmind_desktop.crm.connection import open_repository

    policy.write_text(f'[crm]\nuri = "{mongo_uri}"\ndatabase = "policy_db"\n[lock]\nkeys = ["crm.uri"]\n')
    s = settings.load()
    check = doctor_checks.crm_check(s)
    assert check.ok and "reachable" in check.detail and "policy_db" in check.detail, check.line()
    repo = open_repository(s, timeout_ms=3000)
    try:
        repo.ping()
    finally:
        repo.close()


def test_a_password_in_the_policy_crm_uri_is_refused(policy, empty_keychain):
    from salesmind_desktop import doctor_checks
    from salesmind_desktop.crm.connection import open_repository
    from salesmind_desktop.errors import CrmError

    policy.write_text('[crm]\nuri = "mongodb://sync:hunter2@crm.example.com/?authSource=admin"\n')
    s = settings.load()
    check = doctor_checks.crm_check(s)
    assert not check.ok and "contains a password" in check.detail and "crm connect" in check.fix
    assert "hunter2" not in check.line()
    with pytest.raises(CrmError, match="contains a password"):
        open_repository(s)


def test_keychain_uri_wins_over_the_policy_preset(policy, monkeypatch):
    from salesmind_desktop.crm.connection import require_uri

    policy.write_text('[crm]\nuri = "mongodb://crm.example.com/"\n')
    monkeypatch.setenv("SALESMIND_MONGODB_URI", "mongodb://rep:pw@crm.example.com/")
    assert require_uri(settings.load()) == "mongodb://rep:pw@crm.example.com/"
