"""A separate OS process that writes content and indexes after each commit, like a web worker.

Run: python -m tests.search.process_worker DATABASE_URL INDEX_DIR WORKER_NUMBER COUNT
"""

from __future__ import annotations

import sys


def main(database_url: str, index_dir: str, worker: int, count: int) -> None:
    from portal import create_app
    from portal.extensions import db
    from portal.orgs.models import Organisation, OrganisationKind
    from portal.search.hooks import catch_up

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "process-test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": index_dir,
            "SEARCH_LOCK_TIMEOUT": 0.5,
        }
    )
    with app.app_context():
        previous = None
        for j in range(count):
            org = Organisation(
                name=f"Processorganisation {worker}-{j}",
                slug=f"process-{worker}-{j}",
                kind=OrganisationKind.SUPPLIER,
                description=f"Unikt ord procw{worker}x{j}q.",
                verified=True,
            )
            db.session.add(org)
            if previous is not None:
                # Edit the previous one too: the index must end with its latest text.
                previous.description += f" Uppdaterad procu{worker}x{j}q."
            db.session.commit()
            previous = org
            catch_up()  # what the request hook does after each commit
        # And one that is created and deleted again: it must not be found.
        doomed = Organisation(
            name=f"Raderad {worker}",
            slug=f"process-deleted-{worker}",
            kind=OrganisationKind.SUPPLIER,
            description=f"procdel{worker}q",
            verified=True,
        )
        db.session.add(doomed)
        db.session.commit()
        catch_up()
        db.session.delete(doomed)
        db.session.commit()
        catch_up()
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
