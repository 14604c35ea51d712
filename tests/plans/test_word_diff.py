"""The difference between two revisions marks the changed words, not whole paragraphs."""

from __future__ import annotations

from portal.accounts.models import User
from portal.extensions import db
from portal.plans import services
from portal.plans.diff import word_diff
from portal.plans.models import Plan


def test_only_the_changed_words_are_marked():
    assert word_diff("Vi skannar alla planer i år.", "Vi digitaliserar alla planer i år.") == [
        (" ", "Vi "),
        ("-", "skannar"),
        ("+", "digitaliserar"),
        (" ", " alla planer i år."),
    ]


def test_a_rewritten_phrase_is_one_deletion_and_one_insertion():
    assert word_diff("a b c d", "a x y d") == [(" ", "a "), ("-", "b c"), ("+", "x y"), (" ", " d")]


def test_added_and_emptied_texts():
    assert word_diff(None, "Ny text") == [("+", "Ny text")]
    assert word_diff("Gammal text", "") == [("-", "Gammal text")]


def test_the_runs_give_back_both_texts():
    old, new = "Rad ett\nRad två med *Markdown*", "Rad ett\n\nRad tre med **Markdown** & mer"
    runs = word_diff(old, new)
    assert "".join(t for op, t in runs if op != "+") == old
    assert "".join(t for op, t in runs if op != "-") == new


def test_the_diff_page_marks_words_and_escapes_html(app, client, make_plan, make_user):
    editor = make_user(member_of="vallentuna", role="editor")
    plan_id = make_plan(sections={"motives": "Vi <b>skannar</b> planer & kartor."})
    with app.app_context():
        actor = db.session.get(User, editor)
        plan = db.session.get(Plan, plan_id)
        services.reopen_plan(actor, plan)
        services.update_plan_part(
            actor,
            plan,
            {"sections": {"motives": "Vi <b>digitaliserar</b> planer & <i>kartor</i>."}},
        )
        services.publish_plan(actor, plan)
        db.session.commit()
    html = client.get(f"/plans/{plan_id}/history/compare?a=1&b=2").get_data(as_text=True)
    assert (
        "Vi &lt;b&gt;<del>skannar</del><ins>digitaliserar</ins>&lt;/b&gt; planer &amp; "
        "<ins>&lt;i&gt;</ins>kartor<ins>&lt;/i&gt;</ins>." in html
    )
    assert "<b>" not in html and "<i>kartor" not in html
