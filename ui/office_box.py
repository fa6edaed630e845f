"""Settings: the office and who signs for it (issue 16), a group of its own on the page.

The office's names head every report; the section head's name and position print
under the signature lines. The guard posts' English names are given here too, for
English reports (the posts themselves are the guard contract's list). An
administrator edits them (core.office, security.post_names refuse anyone else).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
)
from sqlite_utils import Database

from core.i18n import tr
from core.office import MAX_TEXT, Office, office, set_office
from security.post_names import post_names_en, set_post_names_en
from ui import ops
from ui.hub import Hub
from ui.ops import Change, reload_on
from ui.widgets.messages import say_done, say_error

# The office fields, in the order the form shows them, with their labels' keys.
FIELDS = (
    ("name_th", "field.office_name_th"),
    ("name_en", "field.office_name_en"),
    ("head_name_th", "field.office_head_name_th"),
    ("head_name_en", "field.office_head_name_en"),
    ("head_position_th", "field.office_head_position_th"),
    ("head_position_en", "field.office_head_position_en"),
)


class OfficeBox(QGroupBox):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        grid = QGridLayout(self)
        form = QFormLayout()
        self.posts_form = QFormLayout()
        current = office(db)
        self.edits: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        for field, _ in FIELDS:
            edit = QLineEdit(getattr(current, field))
            edit.setMaxLength(MAX_TEXT)
            self.edits[field] = edit
            self.labels[field] = QLabel()
            form.addRow(self.labels[field], edit)
        self.posts_title = QLabel()
        self.posts_title.setWordWrap(True)
        self.post_edits: dict[str, QLineEdit] = {}
        self._fill_posts()
        self.save_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        # Two columns, so the page stays within a laptop's screen: the office, the posts.
        grid.addLayout(form, 0, 0, 2, 1)
        grid.addWidget(self.posts_title, 0, 1, 1, 1)
        grid.addLayout(self.posts_form, 1, 1)
        grid.setRowStretch(1, 1)
        grid.addWidget(self.save_button, 2, 0)
        grid.addWidget(self.message, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self.save_button.clicked.connect(self.save)
        # The contract's posts may change on the same page: their rows follow.
        self.follow = reload_on(self, hub, Change.GUARD, self._fill_posts)
        self.retranslate()

    def _fill_posts(self) -> None:
        """One English name per guard post, Thai name beside it."""
        while self.posts_form.rowCount():
            self.posts_form.removeRow(0)
        self.post_edits = {}
        for name_th, name_en in post_names_en(self.db).items():
            edit = QLineEdit(name_en)
            self.post_edits[name_th] = edit
            self.posts_form.addRow(QLabel(name_th), edit)

    def retranslate(self) -> None:
        self.setTitle(tr("rp.settings.office"))
        for field, key in FIELDS:
            self.labels[field].setText(tr(key))
        self.posts_title.setText(tr("rp.settings.posts_en"))
        self.save_button.setText(tr("rp.settings.save_office"))

    def save(self) -> bool:
        """Every value checked before any is written; a refusal keeps what was typed. The
        window's title names the office (Change.SETTINGS)."""
        values = {field: edit.text() for field, edit in self.edits.items()}
        names = {k: e.text() for k, e in self.post_edits.items()}

        def write() -> Office:
            saved = set_office(self.db, **values)
            if names:
                set_post_names_en(self.db, names)
            return saved

        result = ops.run(self, self.hub, write, changes=Change.SETTINGS,
                         errors=lambda e: say_error(self.message, e))  # fmt: skip
        if not result:
            return False
        for field, edit in self.edits.items():
            edit.setText(getattr(result.value, field))
        say_done(self.message, tr("settings.saved"))
        return True
