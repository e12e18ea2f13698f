"""Hulp: what to do now, found in seconds (objectName ``guidancePanel``).

Search as you type over titles, tags and text (Enter opens the best hit), the cards grouped
by situation, the card itself in large type, and the refresher and prevention check.
Everything comes from the GuidanceLibrary, so it works without a server.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import settings
from veiligbalie.core.text import fill
from veiligbalie.guidance import SITUATIONS, Card
from veiligbalie.services.guidance import GuidanceLibrary
from veiligbalie.ui.documents import (
    HOUSE_RULES_CARD,
    DocumentRunner,
    poster_document,
    suggested_name,
)
from veiligbalie.ui.guidance_prevention import PreventionView
from veiligbalie.ui.guidance_reader import CardReader, guidance_language
from veiligbalie.ui.guidance_refresher import RefresherView

CARD_ROLE = Qt.ItemDataRole.UserRole


class HelpView(QWidget):
    card_shown = Signal(str)

    def __init__(self, library: GuidanceLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setObjectName("guidancePanel")
        self.setAccessibleName(self.tr("Help"))
        self._situation_titles = {
            "tijdens": self.tr("During the conversation"),
            "na": self.tr("After an incident"),
            "teamleiders": self.tr("For team leads"),
        }

        title = QLabel(self.tr("Help"), self)
        title.setObjectName("pageTitle")
        heading = QFont(self.font())
        heading.setPointSizeF(heading.pointSizeF() * 1.5)
        heading.setBold(True)
        title.setFont(heading)  # follows the font scale, unlike a size in pixels
        urgent = QLabel(
            fill(
                self.tr("Feeling unsafe? Press the alarm or %1. Life in danger? Call 112."),
                settings.ALARM_HOTKEY.get(),
            ),
            self,
        )
        urgent.setObjectName("guidanceUrgent")
        urgent.setWordWrap(True)
        urgent.setStyleSheet("font-weight: bold; color: #b71c1c;")

        self.search = QLineEdit(self)
        self.search.setObjectName("guidanceSearch")
        self.search.setPlaceholderText(self.tr("Search: a word, e.g. aangifte, schelden, doxing"))
        self.search.setAccessibleName(self.tr("Search the help"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._open_best)
        self.search.installEventFilter(self)

        self.list = QTreeWidget(self)
        self.list.setObjectName("guidanceList")
        self.list.setAccessibleName(self.tr("Help cards"))
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setWordWrap(True)
        # Wide enough for the titles at any font scale (the pane's width follows the font).
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setUniformRowHeights(False)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.list.header().setStretchLastSection(True)
        self.list.setStyleSheet("QTreeWidget#guidanceList::item { padding: 3px 2px; }")
        self.list.itemActivated.connect(self._on_activated)
        self.list.itemClicked.connect(self._on_activated)
        self.empty = QLabel(self.tr("No card holds these words."), self)
        self.empty.setObjectName("guidanceNoResult")
        self.empty.setWordWrap(True)
        self.empty.hide()

        self.practise_button = QPushButton(self.tr("Practise (refresher)"), self)
        self.practise_button.setObjectName("guidanceRefresherButton")
        self.practise_button.clicked.connect(self.show_refresher)
        self.prevention_button = QPushButton(self.tr("Prevention check"), self)
        self.prevention_button.setObjectName("guidancePreventionButton")
        self.prevention_button.clicked.connect(self.show_prevention)

        left = QWidget(self)
        left.setMinimumWidth(self.fontMetrics().averageCharWidth() * 34)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.list, 1)
        column.addWidget(self.empty)
        column.addWidget(self.practise_button)
        column.addWidget(self.prevention_button)

        self.reader = CardReader(library, self)
        self.reader.card_requested.connect(self.show_card)
        self.refresher = RefresherView(library, self)
        self.prevention = PreventionView(library, self)
        self.refresher.card_requested.connect(self.show_card)
        self.poster_bar = QWidget(self)
        self.poster_bar.setObjectName("guidancePosterBar")
        self.poster_bar.setAccessibleName(self.tr("Print the house rules as a poster"))
        poster_row = QHBoxLayout(self.poster_bar)
        poster_row.setContentsMargins(0, 0, 0, 0)
        poster_row.addWidget(QLabel(self.tr("Print poster:"), self.poster_bar))
        self.poster_buttons: dict[str, QPushButton] = {}
        for size in ("A4", "A3"):
            button = QPushButton(fill(self.tr("Poster (%1)…"), size), self.poster_bar)
            button.setObjectName(f"guidancePoster{size}")
            button.setAccessibleName(fill(self.tr("House-rules poster, %1"), size))
            button.clicked.connect(lambda _=False, s=size: self.make_poster(s))
            poster_row.addWidget(button)
            self.poster_buttons[size] = button
        poster_row.addStretch(1)
        self.poster_bar.hide()
        self.documents = DocumentRunner(self)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("guidancePages")
        for page in (self.reader, self.refresher, self.prevention):
            self.pages.addWidget(page)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        right = QWidget(self)
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.poster_bar)
        right_column.addWidget(self.pages, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([left.minimumWidth() + 60, 720])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(urgent, 1)
        layout.addLayout(head)
        layout.addWidget(split, 1)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        library.changed.connect(self._on_library_changed)
        self._fill()
        first = self.library.cards(guidance_language())
        if first:
            self.reader.show_card(first[0])
        self._update_poster_bar()
        self.pages.currentChanged.connect(self._update_poster_bar)

    # -- The list ----------------------------------------------------------------------------
    def _fill(self) -> None:
        self.list.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for situation in SITUATIONS:
            group = QTreeWidgetItem(self.list, [self._situation_titles[situation]])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            groups[situation] = group
        for card in self.library.cards(guidance_language()):
            item = QTreeWidgetItem(groups[card.situation], [card.title])
            item.setData(0, CARD_ROLE, card.id)
            item.setToolTip(0, ", ".join(card.tags))
        self.list.expandAll()
        self._filter(self.search.text())

    def _groups(self) -> list[QTreeWidgetItem]:
        found = (self.list.topLevelItem(g) for g in range(self.list.topLevelItemCount()))
        return [group for group in found if group is not None]

    @staticmethod
    def _children(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        found = (group.child(i) for i in range(group.childCount()))
        return [item for item in found if item is not None]

    def _items(self) -> list[QTreeWidgetItem]:
        return [item for group in self._groups() for item in self._children(group)]

    def _filter(self, text: str) -> None:
        hits = [card.id for card in self.library.search(text, guidance_language())]
        for item in self._items():
            item.setHidden(item.data(0, CARD_ROLE) not in hits)
        for group in self._groups():
            group.setHidden(all(item.isHidden() for item in self._children(group)))
        self.empty.setVisible(not hits)
        visible = [item for item in self._items() if not item.isHidden()]
        if visible and text.strip():
            best = next(i for i in visible if i.data(0, CARD_ROLE) == hits[0])
            self.list.setCurrentItem(best)

    def visible_titles(self) -> list[str]:
        return [item.text(0) for item in self._items() if not item.isHidden()]

    def _open_best(self) -> None:
        hits = self.library.search(self.search.text(), guidance_language())
        if hits:
            self.show_card(hits[0].id)
            self.reader.setFocus()

    def _on_activated(self, item: QTreeWidgetItem) -> None:
        card_id = item.data(0, CARD_ROLE)
        if card_id:
            self.show_card(card_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        # Down from the search field goes into the list of hits.
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self.list.setFocus()
            current = self.list.currentItem()
            if current is None or current.isHidden():
                visible = [i for i in self._items() if not i.isHidden()]
                if visible:
                    self.list.setCurrentItem(visible[0])
            return True
        return super().eventFilter(watched, event)

    def _on_library_changed(self) -> None:
        self._fill()
        if self.reader.card is not None:
            card = self.library.card(self.reader.card.id, guidance_language())
            if card is not None:
                self.reader.show_card(card)

    # -- For the window ----------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def current_card(self) -> Card | None:
        return self.reader.card if self.pages.currentWidget() is self.reader else None

    def show_card(self, card_id: str) -> bool:
        card = self.library.card(card_id, guidance_language())
        if card is None:
            return False
        self.reader.show_card(card)
        self.pages.setCurrentWidget(self.reader)
        for item in self._items():
            if item.data(0, CARD_ROLE) == card_id and not item.isHidden():
                self.list.setCurrentItem(item)
        self._update_poster_bar()
        self.card_shown.emit(card_id)
        return True

    # -- The house-rules poster --------------------------------------------------------------
    def _update_poster_bar(self) -> None:
        card = self.current_card()
        self.poster_bar.setVisible(card is not None and card.id == HOUSE_RULES_CARD)

    def make_poster(self, size: str) -> bool:
        """Save the house-rules card as a poster (A4 or A3) where the user chooses, made off
        the GUI thread, then opened; False without a house-rules card or a chosen file."""
        card = self.library.card(HOUSE_RULES_CARD, guidance_language())
        if card is None:
            return False
        document = poster_document(card, not self.library.is_organisation_card(card), size)

        # Imported here, on the GUI thread (reportlab is usually warm by now): a worker
        # never imports the project's modules beside the GUI thread's imports.
        from veiligbalie.reports.poster import build_poster

        def build(path: Path) -> None:
            build_poster(path, document)

        return self.documents.start(
            f"poster_{size}",
            build,
            self.tr("Save the house-rules poster"),
            suggested_name(fill(self.tr("house rules %1"), size), ".pdf"),
            self.tr("PDF document (*.pdf)"),
        )

    def show_refresher(self) -> None:
        self.refresher.start()
        self.pages.setCurrentWidget(self.refresher)
        self.refresher.setFocus()

    def show_prevention(self) -> None:
        self.prevention.refresh()
        self.pages.setCurrentWidget(self.prevention)
        self.prevention.place.setFocus()
