"""Atheris harness (coverage-guided, libFuzzer): raw bytes into the kit's parsers and the engine.

Run by tests/hardening/test_fuzz.py with a bounded ``-runs=N``; by hand for longer:

    python tests/hardening/fuzz_atheris.py -max_total_time=600

The first byte picks the target (a method record, a gateway application, a standard's YAML); the
rest is the file's content. Anything but the kit's own InputError is a crash that libFuzzer
reports with the input that caused it.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["epa_kernel"]):
    from epa_kernel.core.catalogue import load_standard
    from epa_kernel.core.gateway import check_gateway
    from epa_kernel.core.gateway_application import parse_application
    from epa_kernel.core.grading import grade_epa, grade_method
    from epa_kernel.core.records import parse_record
    from epa_kernel.errors import InputError
    from epa_kernel.files import parse_json

SCRATCH = Path(tempfile.mkdtemp(prefix="epa-fuzz-")) / "st0072_v1.0.yaml"


def one_input(data: bytes) -> None:
    if not data:
        return
    target, body = data[0] % 3, data[1:]
    text = body.decode("utf-8", errors="replace")
    try:
        if target == 0:
            record, standard = parse_record(parse_json(text, file="fuzz.json"), file="fuzz.json")
            grade_method(standard, record)
            grade_epa(standard, [record])
        elif target == 1:
            application, standard = parse_application(parse_json(text, file="fuzz.json"))
            check_gateway(standard, application, today=date(2026, 11, 1))
        else:
            SCRATCH.write_bytes(body)
            load_standard(SCRATCH)
    except InputError:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
