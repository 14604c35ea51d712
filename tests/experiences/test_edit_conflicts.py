"""Two people edit the same experience: the second save does not silently overwrite the first."""

from __future__ import annotations

import re

from portal.experiences.models import Experience
from portal.extensions import db
from tests.conftest import login


def loaded_version(html: str) -> str:
    return re.search(r'name="loaded_version" type="hidden" value="([^"]*)"', html).group(1)


def test_saving_over_a_newer_version_shows_it_and_keeps_the_users_text(
    app, make_user, make_experience
):
    experience_id = make_experience("vallentuna", title="Första titeln")
    url = f"/experiences/{experience_id}/edit"
    anna, bertil = app.test_client(), app.test_client()
    for name, client in (("anna", anna), ("bertil", bertil)):
        make_user(f"{name}@example.com", member_of="vallentuna", role="editor")
        login(client, f"{name}@example.com")
    anna_version = loaded_version(anna.get(url).get_data(as_text=True))
    bertil_version = loaded_version(bertil.get(url).get_data(as_text=True))
    assert anna_version == bertil_version

    saved = bertil.post(
        url,
        data={"title": "Bertils titel", "body": "Bertils text", "loaded_version": bertil_version},
    )
    assert saved.status_code == 302

    clash = anna.post(
        url, data={"title": "Annas titel", "body": "Annas text", "loaded_version": anna_version}
    )
    assert clash.status_code == 422
    html = clash.get_data(as_text=True)
    assert "Annas text" in html and "Annas titel" in html  # her text is kept in the form ...
    assert "Bertils text" in html and "Bertils titel" in html  # ... next to what he saved
    with app.app_context():
        assert db.session.get(Experience, experience_id).title == "Bertils titel"

    # Saving again (the form now carries the newer version) replaces his version knowingly.
    newer = loaded_version(html)
    assert newer != anna_version
    again = anna.post(
        url, data={"title": "Annas titel", "body": "Annas text", "loaded_version": newer}
    )
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(Experience, experience_id).title == "Annas titel"
