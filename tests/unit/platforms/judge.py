"""Run the verify judge on one device's parsed state (the others healthy, derived from the intent)."""
from __future__ import annotations

from controller import platforms, verify
from tests.unit.test_verify_checks import healthy


def judge_case(ov, device: str, outputs: dict[str, str]):
    plat = platforms.get(ov.devices[device].platform)
    state = plat.parse(ov, device, None, outputs)
    states = healthy(ov)
    states[device] = state
    checks = [c for c in verify.evaluate(ov, states) if c.device == device]
    return state, checks


def failing(checks) -> set[tuple[str, str]]:
    return {(c.check, c.reason) for c in checks if c.status == "fail"}
