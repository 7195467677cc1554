"""EPA assessor workbook kit: apprenticeship end-point assessment on Jupyter.

The package holds all of the kit's logic; notebooks, Voilà apps and the ``epa`` command are thin
doors onto it. The rooms are drawn in ``epa_kernel/README.md``. Start with
:mod:`epa_kernel.core.spec` (standards as data), :mod:`epa_kernel.core.records` (what an assessor
records) and :mod:`epa_kernel.core.grading` (the pure grading engine).
"""

__version__ = "0.1.0"
