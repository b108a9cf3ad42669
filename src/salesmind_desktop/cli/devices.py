"""`salesmind-desktop devices`: the inputs this computer offers for the rep (mic) and the customer
(loopback of the system output), the defaults, and what settings/flags to use to pick one."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("devices", help="list microphones and system-output loopbacks",
                       description="List capture inputs: microphones (rep) and loopbacks of the system output "
                                   "(customer). '*' marks what a live call uses by default.")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from salesmind_desktop import app, settings as settings_mod
    from salesmind_desktop.audio.devices import choose

    settings = settings_mod.load()
    backend = app.build_capture_backend(settings)
    devices = backend.list_devices()
    chosen = {}
    for kind, spec in (("mic", settings.audio.mic_device), ("loopback", settings.audio.loopback_device)):
        try:
            chosen[kind] = choose(spec, kind, backend, devices).device.id
        except Exception as exc:  # noqa: BLE001 - shown, not raised: listing must still work
            chosen[kind] = None
            chosen[f"{kind}_problem"] = str(exc)
    if args.json:
        print(json.dumps({"backend": backend.name, "selected": chosen,
                          "devices": [d.__dict__ for d in devices]}, indent=1))
        return 0
    print(f"capture backend: {backend.name}")
    for kind, title in (("mic", "Microphones (rep)"), ("loopback", "System output loopbacks (customer)")):
        print(f"\n{title}:")
        rows = [d for d in devices if d.kind == kind]
        if not rows:
            print(f"  none - {backend.setup_hint(kind)}")
        for d in rows:
            mark = "*" if d.id == chosen.get(kind) else " "
            print(f" {mark} {d.id}\n      {d.name}{'  (system default)' if d.default else ''}")
        if chosen.get(f"{kind}_problem"):
            print(f"  problem: {chosen[f'{kind}_problem']}")
    print("\nPick one with `salesmind-desktop listen --mic ID --loopback ID`, or set audio.mic_device / "
          "audio.loopback_device in settings.")
    return 0
