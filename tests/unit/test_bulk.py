"""controller.bulk.gc_paused: the collector is off inside the block and as it was after (issue 26)."""
import gc
from contextlib import nullcontext

import pytest

from controller import bulk


@pytest.mark.parametrize("enabled_before", [True, False])
@pytest.mark.parametrize("nested", [False, True])
@pytest.mark.parametrize("raises", [False, True])
def test_gc_paused_restores_state(enabled_before, nested, raises):
    was = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    try:
        with pytest.raises(RuntimeError) if raises else nullcontext():
            with bulk.gc_paused():
                assert not gc.isenabled()
                if nested:
                    with bulk.gc_paused():
                        assert not gc.isenabled()
                    assert not gc.isenabled()
                if raises:
                    raise RuntimeError("boom")
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was else gc.disable)()

