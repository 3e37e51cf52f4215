"""Start-up's objects are taken out of the garbage collector's full passes (service/app.py),
once per process, after collecting the garbage. The check runs in a fresh interpreter: the
test process itself froze its objects at the first app any test started."""

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import gc, json, sys, weakref
    from fastapi.testclient import TestClient
    from service.app import create_app
    from service.settings import Settings

    freezes = []
    freeze = gc.freeze
    gc.freeze = lambda: (freezes.append(1), freeze())

    gc.disable()  # so that only start-up's own collection can free the cycle below

    class Node: pass
    cycle = Node(); cycle.self = cycle          # garbage only a collection can free
    dead = weakref.ref(cycle); del cycle
    app = create_app(Settings(data_dir=sys.argv[1]))
    tracked = len(gc.get_objects())
    out = {"frozen_before": gc.get_freeze_count(), "tracked": tracked}
    with TestClient(app):
        out["frozen"] = gc.get_freeze_count()
        out["cycle_collected"] = dead() is None
        out["left_to_scan"] = len(gc.get_objects())
    with TestClient(create_app(Settings(data_dir=sys.argv[1]))):
        out["freezes"] = len(freezes)
    print(json.dumps(out))
""")


def test_start_up_freezes_what_it_built_once_and_not_its_garbage(tmp_path):
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.splitlines()[-1])
    assert out["frozen_before"] == 0
    # Everything the app was built from is frozen; a full pass now scans only what came after.
    assert out["frozen"] >= out["tracked"] * 0.9
    assert out["left_to_scan"] < out["tracked"] * 0.05
    assert out["cycle_collected"]
    assert out["freezes"] == 1  # the second app of the process (tests make many) froze nothing
