"""Export and IQA verification on a finished run.

- HTML and PDF per document (a method assessment record or a statement of results), in one
  process with the exporter reused, as :func:`epa_kernel.exports.folder.export_folder` makes
  them; the first folder is exported once beforehand so imports and fonts are warm.
- ``epa export DIR --format html,pdf`` as a user runs it (PDFs in a process per core), per
  document.
- ``epa iqa verify DIR``: every method notebook re-executed and compared, notebooks per second.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _clear(folder: Path) -> None:
    for pattern in ("*/*.html", "*/*.pdf", "*/.epa-export.json", "results.xlsx", "summary.html"):
        for path in folder.glob(pattern):
            path.unlink()


def _cli(*args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "epa_kernel.cli", *args], cwd=ROOT, text=True, capture_output=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"epa {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def measure(run: Path, work: Path, say=print) -> dict:
    from epa_kernel.exports.folder import export_folder
    from epa_kernel.exports.outcomes import apprentice_folders

    copy = work / "export"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(run, copy)
    _clear(copy)
    folders = apprentice_folders(copy)
    export_folder(folders[0], ("html", "pdf"))  # warm: imports, templates, fonts
    _clear(copy)
    out: dict = {"apprentices": len(folders)}
    for fmt in ("html", "pdf"):
        started = time.perf_counter()
        written = sum(len(export_folder(folder, (fmt,)).written) for folder in folders)
        seconds = time.perf_counter() - started
        out[fmt] = {"documents": written, "seconds": seconds, "per_document": seconds / written}
        say(
            f"  {fmt} in one process: {seconds / written * 1000:.0f} ms per document "
            f"({written} documents)"
        )
    out["documents"] = out["html"]["documents"]
    _clear(copy)
    seconds, stdout = _cli("export", str(copy), "--format", "html,pdf", "--quiet")
    written = int(re.search(r"(\d+) files written", stdout)[1])
    out["cli"] = {"files": written, "seconds": seconds, "per_file": seconds / written}
    say(f"  epa export --format html,pdf: {written} files in {seconds:.1f} s")
    seconds, stdout = _cli("iqa", "verify", str(run))
    verified = re.search(r"(\d+) of (\d+) notebooks verified; (\d+) mismatched", stdout)
    if not verified or verified[3] != "0":
        raise RuntimeError(f"epa iqa verify did not verify the run:\n{stdout}")
    out["verify"] = {
        "notebooks": int(verified[2]),
        "seconds": seconds,
        "per_second": int(verified[2]) / seconds,
    }
    say(f"  epa iqa verify: {verified[2]} notebooks in {seconds:.1f} s")
    return out
