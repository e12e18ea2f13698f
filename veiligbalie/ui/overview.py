"""Overzicht: the team lead's figures for a month, quarter or year (objectName
``overviewView``): bar charts of reports per month, category, location and severity, how
often the norm's follow-up deadlines were kept, and the alarms still waiting for a report.
No names anywhere."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QLocale, QMargins, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import settings
from veiligbalie.core.text import fill
from veiligbalie.services.overview import (
    Compliance,
    Overview,
    OverviewService,
    Period,
    PeriodKind,
)
from veiligbalie.ui.documents import DocumentRunner, overview_document, suggested_name
from veiligbalie.ui.labels import category_label, follow_up_label, severity_label

#: How many periods back the period list offers.
PERIODS_BACK = {PeriodKind.MONTH: 24, PeriodKind.QUARTER: 12, PeriodKind.YEAR: 6}
BAR_COLOUR = QColor("#1f5fa8")
CHART_HEIGHT = 300


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _locale() -> QLocale:
    language = settings.LANGUAGE.get()
    return QLocale("nl_NL") if language == "nl" else QLocale(QLocale.Language.English)


def _bar_chart(
    title: str, labels: list[str], values: list[int], horizontal: bool = False
) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    title_font = QFont(chart.titleFont())
    title_font.setPointSize(11)
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    chart.legend().hide()
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(6)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    bars = QBarSet(title)
    bars.setColor(BAR_COLOUR)
    bars.setBorderColor(BAR_COLOUR)
    bars.append([float(v) for v in values])
    bars.setLabelColor(QColor("#263238"))
    series: QBarSeries | QHorizontalBarSeries
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsPrecision(6)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.append(labels)
    count = QValueAxis()
    top = max(values, default=0)
    count.setRange(0, max(4, top * 1.12))
    count.applyNiceNumbers()  # 0, 20, 40 … rather than 0, 17, 35
    count.setLabelFormat("%d")
    axis_font = QFont(names.labelsFont())
    axis_font.setPointSize(8)
    names.setLabelsFont(axis_font)
    count.setLabelsFont(axis_font)
    if horizontal:
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(count, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(names, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(count, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(names)
    series.attachAxis(count)
    return chart


class OverviewView(QWidget):
    def __init__(self, service: OverviewService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewView")
        self.setAccessibleName(self.tr("Overview"))
        self.service = service
        self.current: Overview | None = None

        title = QLabel(self.tr("Overview"), self)
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.kind = QComboBox(self)
        self.kind.setObjectName("overviewPeriodKind")
        self.kind.setAccessibleName(self.tr("Month, quarter or year"))
        self.kind.addItem(self.tr("Month"), PeriodKind.MONTH.value)
        self.kind.addItem(self.tr("Quarter"), PeriodKind.QUARTER.value)
        self.kind.addItem(self.tr("Year"), PeriodKind.YEAR.value)
        self.period = QComboBox(self)
        self.period.setObjectName("overviewPeriod")
        self.period.setAccessibleName(self.tr("Period"))
        self.period.setMinimumWidth(160)
        self.site = QComboBox(self)
        self.site.setObjectName("overviewSite")
        self.site.setAccessibleName(self.tr("Site"))
        self.summary = QLabel(self)
        self.summary.setObjectName("overviewSummary")
        self.summary.setWordWrap(True)

        choose = QHBoxLayout()
        choose.setSpacing(8)
        choose.addWidget(self.kind)
        choose.addWidget(self.period)
        choose.addWidget(self.site)
        choose.addStretch(1)
        self.pdf_button = QPushButton(self.tr("Make PDF…"), self)
        self.pdf_button.setObjectName("overviewMakePdf")
        self.pdf_button.setAccessibleName(
            self.tr("Make the management overview of this period as a PDF")
        )
        self.pdf_button.clicked.connect(self.make_pdf)
        choose.addWidget(self.pdf_button)
        self.documents = DocumentRunner(self)

        self.charts: dict[str, QChartView] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        for index, name in enumerate(("month", "category", "location", "severity")):
            view = QChartView(self)
            view.setObjectName(f"overviewChart_{name}")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(CHART_HEIGHT)
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.charts[name] = view
            grid.addWidget(view, index // 2, index % 2)

        self.compliance = QFrame(self)
        self.compliance.setObjectName("overviewCompliance")
        self.compliance.setFrameShape(QFrame.Shape.StyledPanel)
        panel = QVBoxLayout(self.compliance)
        heading = QLabel(self.tr("Follow-up on time"), self.compliance)
        heading.setStyleSheet("font-weight: bold;")
        panel.addWidget(heading)
        self.compliance_rows: dict[str, QLabel] = {}
        for key in ("aftercare_talk", "perpetrator_response", "police_report"):
            label = QLabel(self.compliance)
            label.setObjectName(f"overviewCompliance_{key}")
            label.setWordWrap(True)
            self.compliance_rows[key] = label
            panel.addWidget(label)
        self.alarms = QLabel(self)
        self.alarms.setObjectName("overviewAlarms")
        self.alarms.setWordWrap(True)
        alarm_frame = QFrame(self)
        alarm_frame.setFrameShape(QFrame.Shape.StyledPanel)
        alarm_column = QVBoxLayout(alarm_frame)
        alarm_heading = QLabel(self.tr("Alarms without a report"), alarm_frame)
        alarm_heading.setStyleSheet("font-weight: bold;")
        alarm_column.addWidget(alarm_heading)
        alarm_column.addWidget(self.alarms)
        alarm_column.addStretch(1)
        figures = QHBoxLayout()
        figures.addWidget(self.compliance, 2)
        figures.addWidget(alarm_frame, 1)

        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addLayout(choose)
        column.addWidget(self.summary)
        column.addLayout(figures)
        column.addLayout(grid, 1)

        self._fill_periods()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.period.currentIndexChanged.connect(self.show_figures)
        self.site.currentIndexChanged.connect(self.show_figures)
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self.refresh)
        service.changed.connect(self._reload.start)
        self.refresh()

    # -- Choosing ----------------------------------------------------------------------------
    def _period_name(self, period: Period) -> str:
        locale = _locale()
        if period.kind is PeriodKind.YEAR:
            return str(period.start.year)
        if period.kind is PeriodKind.QUARTER:
            quarter = (period.start.month - 1) // 3 + 1
            return fill(self.tr("Q%1 %2"), quarter, period.start.year)
        return str(locale.toString(_qdate(period.start), "MMMM yyyy"))

    def _fill_periods(self) -> None:
        kind = PeriodKind(self.kind.currentData())
        self.period.blockSignals(True)
        self.period.clear()
        period = self.service.current_period(kind)
        for _ in range(PERIODS_BACK[kind]):
            self.period.addItem(self._period_name(period), period)
            period = period.previous()
        self.period.setCurrentIndex(0)
        self.period.blockSignals(False)

    def _kind_changed(self) -> None:
        self._fill_periods()
        self.show_figures()

    def choose(self, kind: PeriodKind, day: date | None = None) -> None:
        """Show the month, quarter or year containing ``day`` (default: the current one)."""
        self.kind.setCurrentIndex(max(self.kind.findData(kind.value), 0))
        if day is not None:
            wanted = Period.containing(kind, day)
            for index in range(self.period.count()):
                if self.period.itemData(index) == wanted:
                    self.period.setCurrentIndex(index)
                    break
        self.show_figures()

    def refresh(self) -> None:
        sites = self.service.sites()
        current = self.site.currentData()
        self.site.blockSignals(True)
        self.site.clear()
        self.site.addItem(self.tr("Every site"), None)
        for name in sites:
            self.site.addItem(name, name)
        self.site.setCurrentIndex(max(self.site.findData(current), 0) if current else 0)
        self.site.blockSignals(False)
        self.site.setVisible(len(sites) > 1)
        self.show_figures()

    # -- Showing -----------------------------------------------------------------------------
    def show_figures(self) -> None:
        period = self.period.currentData()
        if not isinstance(period, Period):
            return
        overview = self.service.overview(period, self.site.currentData())
        self.current = overview
        self.summary.setText(
            fill(self.tr("%n report(s) in %1.", "", overview.total), self._period_name(period))
        )
        locale = _locale()
        months = [locale.toString(_qdate(m), "MMM") for m, _ in overview.per_month]
        if period.kind is PeriodKind.MONTH:
            months = [locale.toString(_qdate(m), "MMMM") for m, _ in overview.per_month]
        self._chart(
            "month", self.tr("Reports per month"), months, [n for _, n in overview.per_month]
        )
        categories = [(category_label(c).split(" (")[0], n) for c, n in overview.per_category if n]
        self._chart(
            "category",
            self.tr("Per category"),
            [label for label, _ in reversed(categories)],
            [n for _, n in reversed(categories)],
            horizontal=True,
        )
        locations = list(overview.per_location)
        if overview.other_locations:
            locations.append((self.tr("Other locations"), overview.other_locations))
        self._chart(
            "location",
            self.tr("Per location"),
            [name for name, _ in reversed(locations)],
            [n for _, n in reversed(locations)],
            horizontal=True,
        )
        self._chart(
            "severity",
            self.tr("Per severity"),
            [severity_label(s) for s, _ in reversed(overview.per_severity)],
            [n for _, n in reversed(overview.per_severity)],
            horizontal=True,
        )
        for item in overview.compliance:
            self.compliance_rows[item.kind.value].setText(self._compliance_text(item))
        self.alarms.setText(
            self.tr("%n alarm(s) resolved without a report", "", overview.alarms_without_report)
            + "\n"
            + self.tr("%n cancelled alarm(s) not followed up", "", overview.alarms_cancelled)
        )

    def make_pdf(self) -> bool:
        """Save the management overview of the chosen period and site as a PDF (figures
        read and laid out off the GUI thread), then open it; False when no file was chosen."""
        period = self.period.currentData()
        if not isinstance(period, Period):
            return False
        site = self.site.currentData()
        service = self.service

        # Imported here, on the GUI thread (reportlab is usually warm by now): a worker
        # never imports the project's modules beside the GUI thread's imports.
        from veiligbalie.reports.overview_report import build_overview

        def build(path: Path) -> None:
            build_overview(path, overview_document(service.overview(period, site), service.now()))

        name = self._period_name(period) + (f" {site}" if site else "")
        return self.documents.start(
            "overview",
            build,
            self.tr("Save the management overview"),
            suggested_name(fill(self.tr("management overview %1"), name), ".pdf"),
            self.tr("PDF document (*.pdf)"),
        )

    def _compliance_text(self, item: Compliance) -> str:
        deadline = {
            "aftercare_talk": self.tr("within 72 hours"),
            "perpetrator_response": self.tr("within 24 hours"),
            "police_report": self.tr("within 2 working days"),
        }[item.kind.value]
        name = f"{follow_up_label(item.kind)} {deadline}"
        if item.share is None:
            return fill(self.tr("%1: nothing to judge yet"), name)
        percent = round(item.share * 100)
        text = fill(
            self.tr("%1: %2% on time (%3 of %4)"), name, percent, item.on_time, item.counted
        )
        if item.pending:
            text += " · " + self.tr("%n still open within the deadline", "", item.pending)
        return text

    def _chart(
        self, name: str, title: str, labels: list[str], values: list[int], horizontal: bool = False
    ) -> None:
        view = self.charts[name]
        old = view.chart()
        view.setChart(_bar_chart(title, labels, values, horizontal))
        if old is not None:
            old.deleteLater()
        view.setAccessibleName(
            title
            + ": "
            + ", ".join(f"{label} {value}" for label, value in zip(labels, values, strict=False))
        )
