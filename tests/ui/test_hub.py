"""Pages out of sight reload when they are next shown, not at every change (issue 8)."""

from PySide6.QtWidgets import QStackedWidget, QWidget

from ui.hub import ReloadWhenSeen


def test_a_hidden_page_reloads_once_when_shown_and_a_shown_page_at_once(qtbot) -> None:
    stack = QStackedWidget()
    shown, hidden = QWidget(), QWidget()
    stack.addWidget(shown)
    stack.addWidget(hidden)
    qtbot.addWidget(stack)
    stack.show()
    calls: list[str] = []
    later = ReloadWhenSeen(hidden, lambda: calls.append("reload"))
    later.request()
    later.request()
    assert calls == []  # two changes while out of sight: nothing yet
    stack.setCurrentWidget(hidden)
    assert calls == ["reload"]  # once, before it is painted
    later.request()
    assert calls == ["reload", "reload"]  # on screen: at once
    stack.setCurrentWidget(shown)
    stack.setCurrentWidget(hidden)
    assert calls == ["reload", "reload"]  # nothing changed meanwhile: no reload


def test_today_shows_a_round_finished_while_it_was_hidden(window) -> None:
    from ui.round_page import RoundPage

    page: RoundPage = window.round
    window.show_widget(page)
    page.begin_at("F1-01")
    for _ in range(20):
        page.score(4)
    page.finalize()
    window.show_widget(window.today)
    texts = [window.today.items.item(i).text() for i in range(window.today.items.count())]
    assert not any("F1-01" in t for t in texts)  # no longer among the unchecked points
