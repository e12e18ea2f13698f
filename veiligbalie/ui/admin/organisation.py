"""Beheer → Organisatie: the letterhead (name, postal address, logo, contact person), the
house rules and the organisation's guidance cards (Markdown with a live preview), the letter
templates (previewed on a fictitious example) and the extra non-working days.

Every change goes to the server with the administrator's token; the server checks it (the
same messages as ``veiligbalie-server admin``) and audits it. A refusal is shown next to the
field it is about.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.letters import LETTER_LANGUAGES, LetterKind, TemplateError
from veiligbalie.core.text import fill
from veiligbalie.guidance import GuidanceError
from veiligbalie.services import admin_org as pd
from veiligbalie.services.admin_org import (
    LOGO_MAX,
    AdminOrgService,
    CardSource,
    example_letter,
    preview_card,
    read_logo,
)
from veiligbalie.services.context import AppContext
from veiligbalie.services.guidance import GuidanceLibrary
from veiligbalie.ui.guidance_reader import CardReader
from veiligbalie.ui.widgets import FieldMessage, line_edit, office_today

__all__ = ["OrganisationPage"]

ChooseFile = Callable[[QWidget], Path | None]
HOUSE_RULES_CARD = "huisregels"


def _ask_logo(parent: QWidget) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(
        parent,
        QCoreApplication.translate("LetterheadTab", "Choose the logo"),
        str(Path.home()),
        QCoreApplication.translate("LetterheadTab", "Images (*.png *.jpg *.jpeg)"),
    )
    return Path(chosen) if chosen else None


def _button(parent: QWidget, text: str, name: str, accessible: str) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    return button


def _status(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class LetterheadTab(QWidget):
    """Name, postal address, contact person and logo for letters and police-report sheets."""

    def __init__(self, service: AdminOrgService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminLetterhead")
        self.service = service
        self.choose_file: ChooseFile = _ask_logo
        self._logo: bytes | None = None  # chosen, not yet saved
        self._remove_logo = False
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "What letters and police-report sheets show at the top: the organisation's "
                "name and postal address (never an employee's), the contact person and the logo."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.name = line_edit(self, "orgName", self.tr("Organisation name"), max_length=200)
        self.name_message = FieldMessage("orgNameMessage", self)
        form.addRow(self.tr("&Name"), self.name)
        form.addRow("", self.name_message)
        self.address = QPlainTextEdit(self)
        self.address.setObjectName("orgAddress")
        self.address.setAccessibleName(self.tr("Postal address"))
        self.address.setTabChangesFocus(True)
        self.address.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.address_message = FieldMessage("orgAddressMessage", self)
        form.addRow(self.tr("Postal address"), self.address)
        form.addRow("", self.address_message)
        self.contact_name = line_edit(
            self, "orgContactName", self.tr("Contact person"), max_length=200
        )
        self.contact_function = line_edit(
            self, "orgContactFunction", self.tr("Function of the contact person"), max_length=200
        )
        self.contact_phone = line_edit(
            self, "orgContactPhone", self.tr("Phone of the contact person"), max_length=50
        )
        self.contact_email = line_edit(
            self, "orgContactEmail", self.tr("E-mail of the contact person"), max_length=200
        )
        self.contact_message = FieldMessage("orgContactMessage", self)
        form.addRow(self.tr("&Contact person"), self.contact_name)
        form.addRow(self.tr("&Function"), self.contact_function)
        form.addRow(self.tr("&Phone"), self.contact_phone)
        form.addRow(self.tr("&E-mail"), self.contact_email)
        form.addRow("", self.contact_message)

        logo_row = QHBoxLayout()
        self.logo_preview = QLabel(self)
        self.logo_preview.setObjectName("orgLogoPreview")
        self.logo_preview.setAccessibleName(self.tr("Logo"))
        self.logo_preview.setFixedSize(QSize(160, 80))
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px solid #bbb; background: white;")
        self.choose_logo = _button(self, self.tr("Choose &logo…"), "orgLogoChoose",
                                   self.tr("Choose a logo"))  # fmt: skip
        self.remove_logo = _button(self, self.tr("&Remove logo"), "orgLogoRemove",
                                   self.tr("Remove the logo"))  # fmt: skip
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.choose_logo)
        logo_buttons.addWidget(self.remove_logo)
        logo_buttons.addStretch(1)
        logo_row.addWidget(self.logo_preview)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        form.addRow(self.tr("Logo"), logo_row)
        hint = QLabel(fill(self.tr("PNG or JPEG, at most %1 KB."), str(LOGO_MAX // 1024)), self)
        form.addRow("", hint)
        self.logo_message = FieldMessage("orgLogoMessage", self)
        form.addRow("", self.logo_message)

        row = QHBoxLayout()
        self.save = _button(self, self.tr("&Save letterhead"), "orgProfileSave",
                            self.tr("Save the letterhead"))  # fmt: skip
        self.status = _status(self, "orgProfileStatus")
        row.addWidget(self.save)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        layout.addStretch(1)

        self.choose_logo.clicked.connect(self.pick_logo)
        self.remove_logo.clicked.connect(self._drop_logo)
        self.save.clicked.connect(self.submit)
        service.profile_loaded.connect(self.show_profile)
        service.profile_saved.connect(self._saved)
        service.failed.connect(self._failed)

    def show_profile(self, profile: pd.OrganisationProfileOut) -> None:
        self.name.setText(profile.name)
        self.address.setPlainText(profile.address)
        self.contact_name.setText(profile.contact_name)
        self.contact_function.setText(profile.contact_function)
        self.contact_phone.setText(profile.contact_phone)
        self.contact_email.setText(profile.contact_email)
        self._logo, self._remove_logo = None, False
        data = self.service.logo_bytes(profile)
        self._show_logo(data)

    def _show_logo(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_preview.setPixmap(
                pixmap.scaled(
                    self.logo_preview.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(self.tr("No logo"))

    def pick_logo(self) -> None:
        path = self.choose_file(self)
        if path is None:
            return
        try:
            data, _mime = read_logo(path)
        except ValueError as exc:
            self.logo_message.show_message(
                fill(self.tr("This file cannot be the logo (%1)."), str(exc))
            )
            return
        if not QPixmap().loadFromData(data):
            self.logo_message.show_message(self.tr("This image cannot be read."))
            return
        self.logo_message.clear_message()
        self._logo, self._remove_logo = data, False
        self._show_logo(data)
        self.status.setText(self.tr("New logo chosen: save to use it."))

    def _drop_logo(self) -> None:
        self._logo, self._remove_logo = None, True
        self._show_logo(None)
        self.status.setText(self.tr("Logo removed: save to confirm."))

    def body(self) -> pd.OrganisationProfileIn:
        logo: str | None = None
        if self._logo is not None:
            logo = self.service.logo_base64(self._logo)
        elif self._remove_logo:
            logo = ""
        return pd.OrganisationProfileIn(
            name=self.name.text(),
            address=self.address.toPlainText(),
            contact_name=self.contact_name.text(),
            contact_function=self.contact_function.text(),
            contact_phone=self.contact_phone.text(),
            contact_email=self.contact_email.text(),
            logo_base64=logo,
        )

    def submit(self) -> None:
        for message in (
            self.name_message,
            self.address_message,
            self.contact_message,
            self.logo_message,
        ):
            message.clear_message()
        self.status.setText(self.tr("Saving…"))
        self.save.setEnabled(False)
        if not self.service.save_profile(self.body()):
            self.save.setEnabled(True)

    def _saved(self, profile: pd.OrganisationProfileOut) -> None:
        self.save.setEnabled(True)
        self.show_profile(profile)
        self.status.setText(self.tr("Letterhead saved."))

    def _failed(self, what: str, message: str) -> None:
        if what != "profile":
            return
        self.save.setEnabled(True)
        self.status.setText(self.tr("Not saved."))
        lowered = message.lower()
        if "logo" in lowered:
            self.logo_message.show_message(message)
        elif "address" in lowered:
            self.address_message.show_message(message)
        elif "name" in lowered and "contact" not in lowered:
            self.name_message.show_message(message)
        elif "contact" in lowered or "e-mail" in lowered:
            self.contact_message.show_message(message)
        else:
            self.status.setText(fill(self.tr("Not saved: %1"), message))


class CardsTab(QWidget):
    """Pick a card (the house rules are one) and a language, edit its Markdown with the
    reader's own rendering beside it, save a new version on the server."""

    def __init__(
        self, service: AdminOrgService, library: GuidanceLibrary, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("adminCards")
        self.service = service
        self.sources: list[CardSource] = []
        layout = QVBoxLayout(self)
        picker = QHBoxLayout()
        self.language = QComboBox(self)
        self.language.setObjectName("cardLanguage")
        self.language.setAccessibleName(self.tr("Language of the card"))
        self.language.addItem(self.tr("Dutch"), "nl")
        self.language.addItem(self.tr("English"), "en")
        self.card = QComboBox(self)
        self.card.setObjectName("cardChoice")
        self.card.setAccessibleName(self.tr("Guidance card"))
        self.house_rules = _button(self, self.tr("&House rules"), "cardHouseRules",
                                   self.tr("Edit the house rules"))  # fmt: skip
        card_label = QLabel(self.tr("C&ard"), self)
        card_label.setBuddy(self.card)
        language_label = QLabel(self.tr("La&nguage"), self)
        language_label.setBuddy(self.language)
        picker.addWidget(card_label)
        picker.addWidget(self.card, 1)
        picker.addWidget(language_label)
        picker.addWidget(self.language)
        picker.addWidget(self.house_rules)
        layout.addLayout(picker)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.editor = QPlainTextEdit(split)
        self.editor.setObjectName("cardEditor")
        self.editor.setAccessibleName(self.tr("Markdown of the card"))
        self.editor.setTabChangesFocus(True)
        self.preview = CardReader(library, split)
        self.preview.setObjectName("cardPreview")
        self.preview.setAccessibleDescription(self.tr("Preview of the card"))
        split.addWidget(self.editor)
        split.addWidget(self.preview)
        split.setSizes([1, 1])
        layout.addWidget(split, 1)
        self.message = FieldMessage("cardMessage", self)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.save = _button(self, self.tr("&Save card"), "cardSave", self.tr("Save the card"))
        self.status = _status(self, "cardStatus")
        row.addWidget(self.save)
        row.addWidget(self.status, 1)
        layout.addLayout(row)

        self.language.currentIndexChanged.connect(self._fill_cards)
        self.card.currentIndexChanged.connect(self._card_chosen)
        self.house_rules.clicked.connect(lambda: self.select(HOUSE_RULES_CARD))
        self.editor.textChanged.connect(self.update_preview)
        self.save.clicked.connect(self.submit)
        service.cards_loaded.connect(self._loaded)
        service.card_saved.connect(self._saved)
        service.failed.connect(self._failed)

    def current(self) -> CardSource | None:
        index = self.card.currentIndex()
        key = self.card.itemData(index) if index >= 0 else None
        language = self.language.currentData()
        return next((s for s in self.sources if (s.id, s.language) == (key, language)), None)

    def select(self, card_id: str, language: str | None = None) -> None:
        if language is not None:
            self.language.setCurrentIndex(self.language.findData(language))
        index = self.card.findData(card_id)
        if index >= 0:
            self.card.setCurrentIndex(index)

    def _loaded(self, sources: list[CardSource]) -> None:
        keep = self.card.currentData()
        self.sources = sources
        self._fill_cards()
        if keep:
            self.select(str(keep))

    def _fill_cards(self) -> None:
        language = self.language.currentData()
        self.card.blockSignals(True)
        self.card.clear()
        for source in self.sources:
            if source.language != language:
                continue
            label = source.title
            if source.version:
                label = fill(self.tr("%1 (organisation, version %2)"), source.title,
                             str(source.version))  # fmt: skip
            self.card.addItem(label, source.id)
        self.card.blockSignals(False)
        self._card_chosen()

    def _card_chosen(self) -> None:
        source = self.current()
        self.message.clear_message()
        self.editor.setPlainText(source.markdown if source is not None else "")
        if source is None:
            self.status.setText("")
        elif source.version:
            self.status.setText(
                fill(self.tr("Version %1, by %2."), str(source.version), source.changed_by)
            )
        else:
            self.status.setText(
                self.tr("The shipped card: saving makes it the organisation's own.")
            )

    def update_preview(self) -> None:
        source = self.current()
        if source is None:
            return
        try:
            card = preview_card(self.editor.toPlainText(), source.language, source.id)
        except GuidanceError as exc:
            self.message.show_message(str(exc))
            return
        self.message.clear_message()
        self.preview.show_card(card)

    def submit(self) -> None:
        source = self.current()
        if source is None:
            return
        self.save.setEnabled(False)
        self.status.setText(self.tr("Saving…"))
        if not self.service.save_card(source.language, source.id, self.editor.toPlainText()):
            self.save.setEnabled(True)

    def _saved(self, out: pd.GuidanceCardOut) -> None:
        self.save.setEnabled(True)
        self.sources = [
            CardSource(out.id, out.language, out.title, out.markdown, out.version, out.changed_by)
            if (s.id, s.language) == (out.id, out.language)
            else s
            for s in self.sources
        ]
        self._fill_cards()
        self.select(out.id)
        self.status.setText(fill(self.tr("Saved as version %1."), str(out.version)))

    def _failed(self, what: str, message: str) -> None:
        if what != "card":
            return
        self.save.setEnabled(True)
        self.status.setText(self.tr("Not saved."))
        self.message.show_message(message)


class LettersTab(QWidget):
    """A letter template with its text filled in for a fictitious example beside it."""

    def __init__(self, service: AdminOrgService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminLetters")
        self.service = service
        layout = QVBoxLayout(self)
        picker = QHBoxLayout()
        self.kind = QComboBox(self)
        self.kind.setObjectName("letterTemplateKind")
        self.kind.setAccessibleName(self.tr("Kind of letter"))
        names = {
            LetterKind.WARNING: self.tr("Warning letter"),
            LetterKind.INVITATION: self.tr("Invitation to a conversation about conduct"),
            LetterKind.ACCESS_BAN: self.tr("Access ban"),
        }
        for item in LetterKind:
            self.kind.addItem(names[item], item.value)
        self.language = QComboBox(self)
        self.language.setObjectName("letterTemplateLanguage")
        self.language.setAccessibleName(self.tr("Language of the letter"))
        languages = {"nl": self.tr("Dutch"), "en": self.tr("English")}
        for code in LETTER_LANGUAGES:
            self.language.addItem(languages[code], code)
        kind_label = QLabel(self.tr("&Letter"), self)
        kind_label.setBuddy(self.kind)
        language_label = QLabel(self.tr("La&nguage"), self)
        language_label.setBuddy(self.language)
        picker.addWidget(kind_label)
        picker.addWidget(self.kind, 1)
        picker.addWidget(language_label)
        picker.addWidget(self.language)
        layout.addLayout(picker)
        fields = QLabel(
            fill(
                self.tr(
                    "Fields such as %1, %2, %3 or %4 are filled in when a letter is made. "
                    "The preview fills them with a fictitious example."
                ),
                "{org_name}",
                "{recipient}",
                "{behaviour}",
                "{ban_start}",
            ),
            self,
        )
        fields.setWordWrap(True)
        layout.addWidget(fields)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.editor = QPlainTextEdit(split)
        self.editor.setObjectName("letterTemplateEditor")
        self.editor.setAccessibleName(self.tr("Text of the letter template"))
        self.editor.setTabChangesFocus(True)
        self.views = QTabWidget(split)
        self.views.setObjectName("letterTemplateViews")
        self.preview = QPlainTextEdit(self.views)
        self.preview.setObjectName("letterTemplatePreview")
        self.preview.setAccessibleName(self.tr("The letter for the example"))
        self.preview.setReadOnly(True)
        self.page = QLabel(self.views)
        self.page.setObjectName("letterTemplatePage")
        self.page.setAccessibleName(self.tr("The example letter as printed"))
        self.page.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        pages = QScrollArea(self.views)
        pages.setWidget(self.page)
        pages.setWidgetResizable(True)
        self.views.addTab(self.preview, self.tr("Text"))
        self.views.addTab(pages, self.tr("Printed page"))
        self.pdf_pages = 0
        split.addWidget(self.editor)
        split.addWidget(self.views)
        layout.addWidget(split, 1)
        self.message = FieldMessage("letterTemplateMessage", self)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.save = _button(self, self.tr("&Save letter"), "letterTemplateSave",
                            self.tr("Save the letter template"))  # fmt: skip
        self.status = _status(self, "letterTemplateStatus")
        row.addWidget(self.save)
        row.addWidget(self.status, 1)
        layout.addLayout(row)

        self.kind.currentIndexChanged.connect(self._chosen)
        self.language.currentIndexChanged.connect(self._chosen)
        self.editor.textChanged.connect(self.update_preview)
        self.save.clicked.connect(self.submit)
        self.views.currentChanged.connect(lambda _index: self.update_page())
        service.templates_loaded.connect(lambda _templates: self._chosen())
        service.template_saved.connect(self._saved)
        service.example_pdf_ready.connect(self._show_pdf)
        service.failed.connect(self._failed)
        self._chosen()

    def letter_kind(self) -> LetterKind:
        return LetterKind(self.kind.currentData())

    def letter_language(self) -> str:
        return str(self.language.currentData())

    def _chosen(self) -> None:
        text, version = self.service.template_text(self.letter_kind(), self.letter_language())
        self.editor.setPlainText(text)
        self.status.setText(
            fill(self.tr("The organisation's version %1."), str(version))
            if version
            else self.tr("The shipped letter: saving makes it the organisation's own.")
        )

    def update_preview(self) -> None:
        try:
            text = example_letter(
                self.letter_kind(), self.letter_language(), self.editor.toPlainText()
            )
        except TemplateError as exc:
            self.preview.setPlainText("")
            self.message.show_message(fill(self.tr("This template cannot be used: %1"), str(exc)))
            return
        self.message.clear_message()
        self.preview.setPlainText(text)
        self.update_page()

    def update_page(self) -> None:
        """The printed page, laid out off the GUI thread, when that view is shown."""
        if self.views.currentIndex() != 1 or self.message.isVisibleTo(self):
            return
        self.service.make_example_pdf(
            self.letter_kind(), self.letter_language(), self.editor.toPlainText()
        )

    def _show_pdf(self, data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "voorbeeld.pdf"
            path.write_bytes(data)
            document = QPdfDocument(self)
            if document.load(str(path)) != QPdfDocument.Error.None_:
                self.page.setText(fill(self.tr("The printed page cannot be shown: %1"), "PDF"))
                return
            self.pdf_pages = document.pageCount()
            size = document.pagePointSize(0)
            width = max(400, self.views.width() - 40)
            height = round(width * size.height() / max(1.0, size.width()))
            image = document.render(0, QSize(width, height))
            document.close()
        paper = QImage(image.size(), QImage.Format.Format_RGB32)
        paper.fill(Qt.GlobalColor.white)  # the page is rendered transparent
        painter = QPainter(paper)
        painter.drawImage(0, 0, image)
        painter.end()
        self.page.setPixmap(QPixmap.fromImage(paper))

    def submit(self) -> None:
        self.save.setEnabled(False)
        self.status.setText(self.tr("Saving…"))
        if not self.service.save_template(
            self.letter_kind(), self.letter_language(), self.editor.toPlainText()
        ):
            self.save.setEnabled(True)

    def _saved(self, out: pd.LetterTemplateOut) -> None:
        self.save.setEnabled(True)
        self.status.setText(fill(self.tr("Saved as version %1."), str(out.version)))

    def _failed(self, what: str, message: str) -> None:
        if what == "pdf":
            self.page.setText(fill(self.tr("The printed page cannot be shown: %1"), message))
            return
        if what != "template":
            return
        self.save.setEnabled(True)
        self.status.setText(self.tr("Not saved."))
        self.message.show_message(fill(self.tr("The server refused the template: %1"), message))


class ClosingDaysTab(QWidget):
    """The organisation's extra non-working days: deadlines in working days skip them."""

    def __init__(self, service: AdminOrgService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminClosingDays")
        self.service = service
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Weekends and public holidays never count as working days. Add the days the "
                "organisation is closed as well (such as the Friday after Ascension Day): "
                "deadlines in working days, like the police report within 2 working days, "
                "skip them."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setObjectName("closingDayList")
        self.list.setAccessibleName(self.tr("Closing days"))
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.day = QDateEdit(office_today(), self)
        self.day.setObjectName("closingDayDate")
        self.day.setAccessibleName(self.tr("Closing day"))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd-MM-yyyy")
        self.reason = line_edit(self, "closingDayReason", self.tr("Reason"), max_length=200)
        self.reason.setPlaceholderText(self.tr("e.g. bridge day"))
        self.add = _button(self, self.tr("&Add"), "closingDayAdd", self.tr("Add the closing day"))
        self.remove = _button(self, self.tr("&Remove"), "closingDayRemove",
                              self.tr("Remove the chosen closing day"))  # fmt: skip
        day_label = QLabel(self.tr("&Day"), self)
        day_label.setBuddy(self.day)
        row.addWidget(day_label)
        row.addWidget(self.day)
        row.addWidget(self.reason, 1)
        row.addWidget(self.add)
        row.addWidget(self.remove)
        layout.addLayout(row)
        self.message = FieldMessage("closingDayMessage", self)
        layout.addWidget(self.message)
        self.add.clicked.connect(self.submit)
        self.remove.clicked.connect(self.remove_chosen)
        service.closing_days_loaded.connect(self._loaded)
        service.failed.connect(self._failed)

    def days(self) -> list[date]:
        items = (self.list.item(i) for i in range(self.list.count()))
        found = (item.data(Qt.ItemDataRole.UserRole) for item in items if item is not None)
        return [day for day in found if isinstance(day, date)]

    def _loaded(self, days: list[pd.ClosingDayOut]) -> None:
        self.add.setEnabled(True)
        self.remove.setEnabled(True)
        self.list.clear()
        for item in days:
            day = QDate(item.day.year, item.day.month, item.day.day)
            text = QLocale().toString(day, "dddd d MMMM yyyy")
            if item.reason:
                text += f" — {item.reason}"
            row = QListWidgetItem(text, self.list)
            row.setData(Qt.ItemDataRole.UserRole, item.day)
        if not days:
            self.list.addItem(self.tr("No closing days: weekends and public holidays only."))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def submit(self) -> None:
        self.message.clear_message()
        self.add.setEnabled(False)
        day = self.day.date().toPython()
        if not self.service.add_closing_day(day, self.reason.text()):  # type: ignore[arg-type]
            self.add.setEnabled(True)
        else:
            self.reason.clear()

    def remove_chosen(self) -> None:
        item = self.list.currentItem()
        day = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(day, date):
            self.message.show_message(self.tr("Choose a closing day in the list first."))
            return
        self.message.clear_message()
        self.remove.setEnabled(False)
        if not self.service.remove_closing_day(day):
            self.remove.setEnabled(True)

    def _failed(self, what: str, message: str) -> None:
        if what != "closing_day":
            return
        self.add.setEnabled(True)
        self.remove.setEnabled(True)
        self.message.show_message(message)


class OrganisationPage(QWidget):
    """The Organisatie section of Beheer."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminOrganisation")
        self.setAccessibleName(self.tr("Organisation"))
        self.context = context
        self.service = AdminOrgService.from_context(context, self)
        library = context.guidance or GuidanceLibrary(context.db, parent=self)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("adminOrganisationTabs")
        self.letterhead = LetterheadTab(self.service, self.tabs)
        self.cards = CardsTab(self.service, library, self.tabs)
        self.letters = LettersTab(self.service, self.tabs)
        self.closing_days = ClosingDaysTab(self.service, self.tabs)
        self.tabs.addTab(self.letterhead, self.tr("Letterhead"))
        self.tabs.addTab(self.cards, self.tr("House rules and guidance cards"))
        self.tabs.addTab(self.letters, self.tr("Letters"))
        self.tabs.addTab(self.closing_days, self.tr("Closing days"))
        layout.addWidget(self.tabs)
        self.load_error = FieldMessage("adminOrganisationError", self)
        layout.addWidget(self.load_error)
        self.service.failed.connect(self._failed)
        self.reload()

    def reload(self) -> None:
        """Ask the server for everything the page shows (answers fill the tabs)."""
        self.load_error.clear_message()
        service = self.service
        if service.load_profile():
            service.load_cards()
            service.load_templates()
            service.load_closing_days()

    def _failed(self, what: str, message: str) -> None:
        if what == "load":
            self.load_error.show_message(message)
