"""Two editors save the same need one after the other: the second sees the first's change."""

from __future__ import annotations

from tests.conftest import login
from tests.experiences.test_edit_conflicts import loaded_version


def test_saving_a_need_over_a_newer_version_shows_it_and_keeps_the_users_text(
    app, make_user, make_need
):
    need_id = make_need("vallentuna")
    url = f"/needs/{need_id}/edit"
    anna, bertil = app.test_client(), app.test_client()
    for name, client in (("anna", anna), ("bertil", bertil)):
        make_user(f"{name}-need@example.com", member_of="vallentuna", role="editor")
        login(client, f"{name}-need@example.com")
    version = loaded_version(anna.get(url).get_data(as_text=True))
    form = {"product_area": "other", "loaded_version": version}
    saved = bertil.post(url, data={**form, "title": "Bertils behov", "description": "Bertil"})
    assert saved.status_code == 302
    clash = anna.post(url, data={**form, "title": "Annas behov", "description": "Anna skriver"})
    assert clash.status_code == 422
    html = clash.get_data(as_text=True)
    assert "Anna skriver" in html and "Bertils behov" in html
