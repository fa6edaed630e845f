"""Settings: the guard contract and accounts, refused without the right role."""

from core.users import Actor, act_as, authenticate, create_user
from security.guard import shifts


def test_the_office_sets_the_contract_in_settings(window, db) -> None:
    page = window.settings
    check, count = page.shift_rows["night"]
    check.setChecked(False)
    page.posts_edit.setText("ประตู 1, ลานคนเมือง")
    assert page.save_contract()
    assert [s.code for s in shifts(db, required_only=True)] == ["day"]


def test_an_administrator_adds_a_user_and_resets_a_password(window, db) -> None:
    create_user(db, "admin", "", "admin", "long enough 1")
    page = window.settings
    page.new_user.setText("somchai")
    page.new_name.setText("สมชาย ใจดี")
    page.new_role.setCurrentIndex(page.new_role.findData("inspector"))
    page.new_password.setText("long enough 2")
    assert page.add_user()
    assert "somchai" in page.users_list.text()
    page.new_user.setText("somchai")
    page.new_password.setText("a new password")
    assert page.reset_user_password()
    authenticate(db, "somchai", "a new password")
    act_as(db, Actor("somchai", "inspector"))
    page.new_user.setText("eve")
    page.new_password.setText("long enough 3")
    assert not page.add_user()  # only an administrator manages users
    assert "may not" in page.message.text()
