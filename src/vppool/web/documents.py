"""Documents people download: the annual reports as PDF and CSV, in Dutch or English.

The PDF is drawn with fpdf2 (pure Python: nothing to install on the machine) in DejaVu Sans,
vendored in ``fonts/`` so every letter of the pool's names prints. The CSV is ``;``-separated
in Dutch (for Excel), ``,`` in English, UTF-8 with the mark Excel reads; dates in CSV are ISO
dates, numbers with a point, so other programs read them without guessing.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace
from litestar.response import Response

from vppool.services.annual_report import AnnualReport, ProviderReport
from vppool.web._filters import day, label, number
from vppool.web._i18n import translator

__all__ = [
    "MEDIA_TYPES",
    "annual_report_csv",
    "annual_report_pdf",
    "download",
    "provider_report_csv",
    "provider_report_pdf",
    "render",
]

_FONTS = Path(__file__).parent / "fonts"
# fontTools reports every table it prunes while fpdf2 subsets the font: not worth a log line.
logging.getLogger("fontTools").setLevel(logging.WARNING)
_FONT = "DejaVu"
_HEAD = FontFace(emphasis="BOLD", fill_color=(232, 236, 242))


class _Document(FPDF):
    """A4 with the provider's footer: the title and the page number."""

    def __init__(self, title: str, lang: str) -> None:
        super().__init__(format="A4")
        self.footer_text = title
        self.t = translator(lang)
        self.add_font(_FONT, "", str(_FONTS / "DejaVuSans.ttf"))
        self.add_font(_FONT, "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_author("vppool")
        self.set_lang(lang)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_page()

    def footer(self) -> None:
        """The report's title and ``page n of m`` at the foot of every page."""
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        self.set_text_color(100)
        self.cell(0, 6, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(
            0, 6, self.t("page {page} of {pages}", page=self.page_no(), pages="{nb}"), align="R"
        )
        self.set_text_color(0)

    def heading(self, text: str, size: int = 13) -> None:
        """A heading with some room above it."""
        self.ln(3)
        self.set_font(_FONT, "B", size)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(_FONT, size=10)

    def paragraph(self, text: str) -> None:
        """A paragraph of running text."""
        self.set_font(_FONT, size=10)
        self.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    def facts(self, rows: Iterable[tuple[str, str]]) -> None:
        """Label and value pairs, two columns without lines."""
        with self.table(
            col_widths=(70, 110), borders_layout="NONE", first_row_as_headings=False
        ) as table:
            for name, value in rows:
                table.row([name, value])

    def grid(
        self, head: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int]
    ) -> None:
        """A table with a heading row (repeated on each page it spans)."""
        self.set_font(_FONT, size=9)
        with self.table(
            col_widths=tuple(widths), headings_style=_HEAD, repeat_headings=1, line_height=5.5
        ) as table:
            table.row(list(head))
            for row in rows:
                table.row(list(row))
        self.set_font(_FONT, size=10)

    def bytes(self) -> bytes:
        """The finished PDF."""
        return bytes(self.output())


def annual_report_pdf(report: AnnualReport, lang: str = "nl") -> bytes:
    """One client's year as a PDF."""
    t = translator(lang)
    title = t(
        "Annual report {year}: {organisation}",
        year=report.year,
        organisation=report.organisation_name,
    )
    pdf = _Document(title, lang)
    pdf.heading(title, 16)
    pdf.paragraph(
        t(
            "The external trust persons the provider placed with {organisation} in {year}, the "
            "hours planned for them and their certification and education. This report says "
            "nothing about reports, cases or the people who came to a trust person: vppool does "
            "not record them.",
            organisation=report.organisation_name,
            year=report.year,
        )
    )
    pdf.facts(
        [
            (t("Trust persons"), str(report.trust_persons)),
            (t("Hours planned"), number(report.planned_hours, lang)),
            (t("Working time offered"), f"{number(report.offered_hours, lang)} {t('hours')}"),
            (
                t("Days with a trust person"),
                t("{covered} of {days}", covered=report.covered_days, days=report.days),
            ),
            (t("Changes of trust person"), str(len(report.changes))),
            (t("Information sessions held"), str(len(report.sessions))),
            (t("Up to and including"), day(report.as_of, lang)),
        ]
    )
    pdf.heading(t("Trust persons and periods"))
    if report.periods:
        pdf.grid(
            [t("Trust person"), t("Kind"), t("First day"), t("Last day"), t("Hours planned")],
            (
                [
                    p.name,
                    label(p.need_kind, lang),
                    day(p.first_day, lang),
                    day(p.last_day, lang),
                    number(p.planned_hours, lang),
                ]
                for p in report.periods
            ),
            (50, 42, 32, 32, 24),
        )
    else:
        pdf.paragraph(t("No trust person served this organisation in this year."))
    pdf.heading(t("Changes of trust person"))
    if report.changes:
        pdf.grid(
            [t("First day"), t("Kind"), t("Before"), t("After"), t("Why")],
            (
                [
                    day(c.on, lang),
                    label(c.need_kind, lang),
                    c.before,
                    c.after,
                    label(c.reason, lang),
                ]
                for c in report.changes
            ),
            (28, 36, 40, 40, 36),
        )
    else:
        pdf.paragraph(t("No changes of trust person in this year."))
    if report.sessions:
        pdf.heading(t("Information sessions held"))
        pdf.grid(
            [t("Day"), t("Kind of session"), t("Trust person"), t("Number of participants")],
            (
                [day(h.on, lang), label(h.kind, lang), h.trust_person, str(h.audience)]
                for h in report.sessions
            ),
            (32, 50, 60, 38),
        )
    pdf.heading(t("Certification and education on {day}", day=day(report.as_of, lang)))
    if report.standings:
        pdf.grid(
            [t("Trust person"), t("Certificate valid until"), t("Certificate"), t("Education")],
            (
                [
                    s.name,
                    day(s.certificate_until, lang),
                    label(s.certification, lang),
                    (
                        f"{label(s.education, lang)} ({number(s.education_hours, lang)} / "
                        f"{number(s.education_required, lang)} {t('hours')})"
                        if s.education
                        else "\u2013"
                    ),
                ]
                for s in report.standings
            ),
            (50, 36, 40, 54),
        )
    return pdf.bytes()


def provider_report_pdf(report: ProviderReport, lang: str = "nl") -> bytes:
    """The provider's year over all clients as a PDF."""
    t = translator(lang)
    title = t("Annual report {year}: all clients", year=report.year)
    pdf = _Document(title, lang)
    pdf.heading(title, 16)
    pdf.facts(
        [
            (t("Client organisations served"), str(len(report.organisations))),
            (t("Hours planned"), number(report.planned_hours, lang)),
            (
                t("Changes of trust person"),
                str(sum(o.changes for o in report.organisations)),
            ),
            (
                t("Information sessions held"),
                str(sum(o.sessions_held for o in report.organisations)),
            ),
            (t("Up to and including"), day(report.as_of, lang)),
        ]
    )
    pdf.heading(t("The pool on {day}", day=day(report.as_of, lang)))
    pdf.grid(
        [t("Certificate"), t("Trust persons")],
        ([label(k, lang), str(v)] for k, v in sorted(report.certification.items())),
        (90, 40),
    )
    pdf.ln(2)
    pdf.grid(
        [t("Education"), t("Trust persons")],
        ([label(k, lang), str(v)] for k, v in sorted(report.education.items())),
        (90, 40),
    )
    pdf.heading(t("Per sector"))
    pdf.paragraph(t("The figures per client organisation are in the CSV file of this report."))
    pdf.grid(
        [t("Sector"), t("Clients"), t("Placements"), t("Hours planned"), t("Changes")],
        (
            [
                label(sector, lang) if sector else "\u2013",
                str(clients),
                str(placed),
                number(hours, lang),
                str(changes),
            ]
            for sector, clients, placed, hours, changes in report.by_sector()
        ),
        (62, 26, 30, 34, 28),
    )
    return pdf.bytes()


def _cell(value: object) -> object:
    """A text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(head: Sequence[str], rows: Iterable[Sequence[object]], lang: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if lang == "nl" else ",", lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the mark tells Excel it is UTF-8


def annual_report_csv(report: AnnualReport, lang: str = "nl") -> bytes:
    """One client's served periods, one row each (ISO dates, hours with a point)."""
    t = translator(lang)
    return _csv(
        [t("Trust person"), t("Kind"), t("First day"), t("Last day"), t("Hours planned")],
        (
            [
                p.name,
                label(p.need_kind, lang),
                p.first_day.isoformat(),
                p.last_day.isoformat(),
                f"{p.planned_hours:.1f}",
            ]
            for p in report.periods
        ),
        lang,
    )


def provider_report_csv(report: ProviderReport, lang: str = "nl") -> bytes:
    """One row per client organisation served in the year."""
    t = translator(lang)
    return _csv(
        [
            t("Organisation"),
            t("Trust persons"),
            t("Hours planned"),
            t("Days with a trust person"),
            t("Changes"),
            t("Information sessions held"),
        ],
        (
            [
                o.organisation_name,
                o.trust_persons,
                f"{o.planned_hours:.1f}",
                o.covered_days,
                o.changes,
                o.sessions_held,
            ]
            for o in report.organisations
        ),
        lang,
    )


#: The kinds of file a report downloads as, with their media types.
MEDIA_TYPES = {"pdf": "application/pdf", "csv": "text/csv"}


def render(report: AnnualReport | ProviderReport, kind: str, lang: str = "nl") -> bytes:
    """A client's or the provider's report as a ``pdf`` or ``csv`` file."""
    if isinstance(report, AnnualReport):
        return annual_report_pdf(report, lang) if kind == "pdf" else annual_report_csv(report, lang)
    return provider_report_pdf(report, lang) if kind == "pdf" else provider_report_csv(report, lang)


def download(body: bytes, kind: str, filename: str) -> Response[bytes]:
    """A file to save (``filename.kind``), not a page to show; never kept by a cache."""
    return Response(
        body,
        media_type=MEDIA_TYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.{kind}"',
            "Cache-Control": "no-store",
        },
    )
