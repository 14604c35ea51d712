"""Plans and experiences made through the services, for the catalogue's dct:modified."""

from tests.content_fixtures import make_experience, make_need  # noqa: F401
from tests.plans.conftest import make_plan  # noqa: F401
