"""PDF engines side by side on the same assessment records, in one run.

    python bench/pdf_engines.py [--records 8] [--chromium /usr/bin/chromium]

Makes ``--records`` method records from the demo cohort (graded in-process, no kernels), renders
each once to HTML through the kit's record template, then turns every HTML into a PDF with each
engine, interleaved record by record so that machine noise hits all engines alike:

- ``weasyprint``: :func:`epa_kernel.exports.render.pdf_from_html`, what the kit uses;
- ``webpdf``: nbconvert's ``WebPDFExporter.run_playwright`` (it starts Chromium for every
  document). nbconvert has no setting for the browser's path and Debian's chromium is not where
  Playwright looks, so this bench injects ``executable_path`` into Playwright's ``launch`` and
  sets ``disable_sandbox``, as MEASURED.md describes;
- ``chromium-reused``: one Chromium kept open through Playwright, ``page.pdf`` per record with
  ``prefer_css_page_size``: Chromium's best case, which nbconvert does not offer.

Prints the median seconds per record, the ratio to WeasyPrint, and what each engine made of the
print stylesheet: page size, pages, and whether page 2 carries the running header (the ULN).
Chromium needs ``playwright`` (installed with nbconvert's webpdf extra) and a Chromium binary.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import time
from pathlib import Path

sys.modules.setdefault("rfc3987_syntax", None)  # see epa_kernel.imports.skip_slow_imports
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from epa_kernel.batch.demo_cohort import cohort_records  # noqa: E402
from epa_kernel.core.bundles import method_outcome_bundle  # noqa: E402
from epa_kernel.core.grading import grade_method  # noqa: E402
from epa_kernel.core.records import parse_record  # noqa: E402
from epa_kernel.exports.record_view import record_view  # noqa: E402
from epa_kernel.exports.render import RECORD_TEMPLATE, pdf_from_html, render  # noqa: E402


def record_htmls(count: int) -> list[tuple[str, str]]:
    import nbformat

    out = []
    for name, data in cohort_records()[:count]:
        record, standard = parse_record(data, file=name)
        bundle = method_outcome_bundle(record, grade_method(standard, record))
        out.append(
            (
                record.apprentice.uln,
                render(
                    RECORD_TEMPLATE, nbformat.v4.new_notebook(), record_view(bundle, source=name)
                ),
            )
        )
    return out


def describe(pdf: bytes, uln: str) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    size = {(595, 842): "A4", (612, 792): "Letter"}.get(
        (round(box.width), round(box.height)), f"{box.width:.0f}x{box.height:.0f} pt"
    )
    header = len(reader.pages) > 1 and f"ULN {uln}" in reader.pages[1].extract_text()
    return (
        f"{size}, {len(reader.pages)} pages, running header on page 2: {'yes' if header else 'no'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=8)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    from nbconvert.exporters.webpdf import WebPDFExporter
    from playwright.async_api import async_playwright
    from playwright.async_api._generated import BrowserType

    launch = BrowserType.launch

    async def launch_with_path(self, *a, **kw):
        kw.setdefault("executable_path", args.chromium)
        return await launch(self, *a, **kw)

    BrowserType.launch = launch_with_path  # what webpdf lacks: a way to name the browser

    started = time.perf_counter()
    import weasyprint  # noqa: F401

    print(f"import weasyprint: {time.perf_counter() - started:.2f} s (once per process)")
    htmls = record_htmls(args.records)
    webpdf = WebPDFExporter(disable_sandbox=True)

    async def reused_engine():
        playwright = await async_playwright().start()
        browser = await playwright.chromium.launch(args=["--no-sandbox"])
        return playwright, browser

    loop = asyncio.new_event_loop()
    t0 = time.perf_counter()
    playwright, browser = loop.run_until_complete(reused_engine())
    browser_start = time.perf_counter() - t0

    async def reused_pdf(html: str) -> bytes:
        page = await browser.new_page()
        await page.set_content(html, wait_until="load")
        pdf = await page.pdf(prefer_css_page_size=True, print_background=True)
        await page.close()
        return pdf

    engines = {
        "weasyprint": pdf_from_html,
        "webpdf": webpdf.run_playwright,
        "chromium-reused": lambda html: loop.run_until_complete(reused_pdf(html)),
    }
    times: dict[str, list[float]] = {name: [] for name in engines}
    made: dict[str, str] = {}
    pdf_from_html(htmls[0][1])  # warm fonts, as the kit's workers are after their first record
    for uln, html in htmls:
        for name, engine in engines.items():
            t = time.perf_counter()
            pdf = engine(html)
            times[name].append(time.perf_counter() - t)
            made.setdefault(name, describe(pdf, uln))
    loop.run_until_complete(browser.close())
    loop.run_until_complete(playwright.stop())
    loop.close()

    base = statistics.median(times["weasyprint"])
    print(f"{len(htmls)} records, median seconds per record (ratio to WeasyPrint):")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<16} {median:6.2f} s  x{median / base:4.1f}   {made[name]}")
    print(f"  (chromium-reused also paid {browser_start:.2f} s once to start the browser)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
