"""The self-contained HTML pages made from saved runs: a comparison of two runs and the matrix over
implementations. Same style as the run report; requirement IDs link into the contract document."""

from __future__ import annotations

from pathlib import Path

from conformance.contract.document import place_contract_beside
from conformance.reports.compare import Comparison
from conformance.reports.matrix import Matrix
from conformance.templating import html_templates


def write_comparison_html(comparison: Comparison, path: Path) -> Path:
    contract = place_contract_beside(path.parent)
    html = html_templates.get_template("compare.html.j2").render(c=comparison, contract=contract)
    path.write_text(html, encoding="utf-8")
    return path


def write_matrix_html(matrix: Matrix, path: Path) -> Path:
    contract = place_contract_beside(path.parent)
    html = html_templates.get_template("matrix.html.j2").render(m=matrix, contract=contract)
    path.write_text(html, encoding="utf-8")
    return path
