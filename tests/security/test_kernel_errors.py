"""An error in a hub kernel shows the page one line and the server's log everything.

The hub's kernels load :mod:`epa_kernel.apps.kernel_log` (their kernel spec's ``--ext``). Without
it a widget callback that raised, or a failing cell, sent the browser a traceback holding the
server's paths and the error's text (which can quote a file name or a record's values).
"""

from __future__ import annotations

import json

from epa_kernel.apps.kernel_log import PAGE_ERROR

SECRET = "/srv/epa/outputs/1000000019/practical_observation.json"
CODE = {
    "a failing cell": f"open({SECRET!r})",
    "a widget callback that raised": (
        "import ipywidgets as w\n"
        "def fail(_):\n"
        f"    raise ValueError({SECRET!r})\n"
        "b = w.Button()\nb.on_click(fail)\nb.click()"
    ),
}


def run(client, code: str) -> list[dict]:
    """What the kernel sent on iopub for ``code``, until it was idle again."""
    msg_id = client.execute(code)
    seen = []
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] != "execute_input":  # the code itself, as the page sent it
            seen.append({"type": msg["msg_type"], "content": msg["content"]})
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return seen


def test_errors_reach_the_page_as_one_line_and_the_servers_log_in_full(tmp_path):
    from jupyter_client.manager import start_new_kernel

    log = tmp_path / "server.log"
    with open(log, "wb") as stderr:
        manager, client = start_new_kernel(
            kernel_name="python3",
            extra_arguments=["--ext=epa_kernel.apps.kernel_log"],
            stderr=stderr,
        )
        try:
            for what, code in CODE.items():
                seen = json.dumps(run(client, code))
                assert SECRET not in seen and "Traceback" not in seen and ".py" not in seen, what
                assert PAGE_ERROR in seen, what
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    server = log.read_text()
    assert server.count(SECRET) >= 2 and "Traceback" in server  # the detail stays there
