import pytest

from salesmind_desktop import settings as settings_mod
from salesmind_desktop.errors import ConfigError


def test_layering_policy_user_env_and_locks(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[asr]\nmodel = "base"\n[crm]\ndatabase = "acme"\n[lock]\nkeys = ["crm.database"]\n')
    user = tmp_path / "user.toml"
    user.write_text('[crm]\ndatabase = "mine"\n[coaching]\ncooldown_s = 30\n')
    s = settings_mod.load(user, policy, environ={"SALESMIND_VAD_THRESHOLD": "0.6",
                                                   "SALESMIND_CRM_DATABASE": "env"})
    assert s.asr.model == "base"  # from policy, not overridden
    assert s.crm.database == "acme"  # locked: user file and env ignored
    assert s.coaching.cooldown_s == 30.0
    assert s.vad.threshold == 0.6
    with pytest.raises(ConfigError, match="IT policy"):
        s.set("crm.database", "x")
    s.set("ui.show_transcript", "yes")
    assert s.ui.show_transcript is True


def test_save_roundtrip_skips_locked(tmp_path):
    s = settings_mod.Settings()
    s.locked = frozenset({"privacy.keep_audio"})
    s.set("asr.beam_size", 3)
    path = settings_mod.save(s, tmp_path / "s.toml")
    assert "keep_audio" not in path.read_text()
    again = settings_mod.load(path, tmp_path / "none.toml", environ={})
    assert again.asr.beam_size == 3


@pytest.mark.parametrize("content, message", [
    ("[asr\nmodel=1", "not valid TOML"),
    ("[nosuch]\na = 1\n", "unknown section"),
    ("[asr]\nnosuch = 1\n", "unknown setting"),
    ("[asr]\nbeam_size = 'many'\n", "must be a int"),
])
def test_broken_config_gives_clear_error(tmp_path, content, message):
    user = tmp_path / "user.toml"
    user.write_text(content)
    with pytest.raises(ConfigError, match=message) as info:
        settings_mod.load(user, tmp_path / "none.toml", environ={})
    assert info.value.fix
