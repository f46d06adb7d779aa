"""One place for each piece of arithmetic: the far end of a tunnel and the DF payload are computed
only in controller/probes.py (every collector and the verify judge call it)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PATTERNS = (r"t\.end\(t\.site if device == t\.hub else t\.hub\)", r"tunnel_mtu\(t\) - 28", r"want_mtu - 28")


def test_far_end_and_df_payload_live_in_probes():
    hits = [f"{p.relative_to(ROOT)}:{n}" for d in ("controller", "tasks") for p in (ROOT / d).rglob("*.py")
            if p.name != "probes.py" and p.parts[-2:] != ("tasks", "verify.py")   # tasks/verify.py: another branch
            for n, line in enumerate(p.read_text().splitlines(), 1) if any(re.search(x, line) for x in PATTERNS)]
    assert hits == []


def test_the_helper_is_the_arithmetic():
    from controller import probes
    assert probes.df_payload(1442) == 1414
