"""A small office on the embedded default, as `make run` serves it: twenty officers of the lead
department log in at once and work one queue (take, then sign for) while the timer dispatcher
fires, against gunicorn, a Celery worker and one SQLite file (bench/office_load.py).

Every click is answered without a server error, each proposal is signed for exactly once by the
officer whose click succeeded, no task is left claimed, and the dispatcher never skips a pass nor
sets a timer aside.
"""

import importlib.util
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("office_load", ROOT / "bench" / "office_load.py")
office_load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(office_load)

OFFICERS = 20
PROPOSALS = 60
# Officers stop as soon as the queue is empty; the window only bounds a slow machine (each 签收
# now opens the co-handlers' opinions and the drafting ladder). Speed is bench/office_load.py's.


def test_twenty_officers_take_and_sign_for_one_queue_while_the_dispatcher_fires(tmp_path):
    result = office_load.run(
        tmp_path / "var",
        officers=OFFICERS,
        proposals=PROPOSALS,
        settings_module="tests.settings",
        seconds=150,
    )
    record, state = result["record"], result["state"]

    assert record.failures == []
    assert not [status for status in record.statuses if status >= 500], record.statuses
    assert len(record.logins) == OFFICERS
    for log in ("gunicorn", "worker"):
        assert "database is locked" not in result[log]
        assert "Internal Server Error" not in result[log]

    # exactly one successful sign-for per proposal (ours and the demo's 310), and it is the one
    # the database holds
    signed = dict(record.signed)
    assert len(record.signed) == len(signed) == PROPOSALS + 1, Counter(path for path, _ in record.signed)
    assert set(signed) == set(state["proposals"])
    for path, proposal in state["proposals"].items():
        assert proposal == {"status": "handling", "signed_for_by": signed[path]}, path
    # each 签收 is done, by that officer: nothing is left claimed
    for task in state["tasks"]:
        assert (task["status"], task["owner"]) == ("DONE", signed[task["proposal"]]), task

    # the dispatcher fired pass after pass; none skipped, stopped early or set a timer aside
    dispatcher_log = result["dispatcher"]
    assert "dispatcher passes=" in dispatcher_log, dispatcher_log
    passes, fired = (int(part.split("=")[1]) for part in dispatcher_log.split()[-2:])
    assert passes >= 1 and fired >= 1, dispatcher_log
    assert "skipped" not in dispatcher_log
    assert "transient" not in dispatcher_log
    assert "Traceback" not in dispatcher_log
    assert state["timers"]["error"] == 0
