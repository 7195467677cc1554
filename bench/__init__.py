"""Benchmarks of the kit, measured side by side in one run: ``python -m bench``.

Each module measures one thing and returns plain figures; ``__main__`` runs them, prints each
section as it finishes, and writes ``bench/RESULTS.md`` with the date, the machine and every
figure. Ratios are what to compare between machines: the absolute times move with the machine
and with whatever else it is doing (the load average is recorded before and after).

- :mod:`bench.throughput`: ``epa run`` against a shell loop of ``papermill`` commands;
- :mod:`bench.floors`: a bare kernel's start, trivial execution and shutdown; the pure
  grading engine on 100,000 records;
- :mod:`bench.app_latency`: the assessor app in Chromium, with and without preheated kernels,
  the checklist form beside the ipywidgets form it replaced (:mod:`bench.legacy_form`);
  :mod:`bench.app_breakdown` traces where a page load's time goes;
- :mod:`bench.exports`: HTML and PDF export per record, and ``epa iqa verify`` throughput.

Before and after a change, side by side (``--before`` a checkout of the earlier commit;
:mod:`bench.before_after`): :mod:`bench.hub_breakdown` splits a sign-in on ``epa hub`` into its
parts (sign-in, redirects and spawn, kernel and render, front end), cold and warm;
:mod:`bench.serve_ab` times ``epa serve``'s page on loopback and over emulated poor Wi-Fi;
:mod:`bench.pool_render` times the page's HTML from ``epa serve``'s pool (kernel and render).

``bench/pdf_engines.py`` and ``bench/load_store.py`` are separate scripts (PDF engines compared;
the store under load).
"""
