"""/api/v1/organizations: municipalities, authorities, suppliers and others (public)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portal.api.common import (
    LINK_HEADER,
    CountySchema,
    CsvDialectArgsSchema,
    PaginationArgsSchema,
    UtcDateTime,
    csv_dialect,
    page_schema,
    paginated,
    text_field,
)
from portal.api.resources import api_blueprint, item_route
from portal.core.csv_export import csv_response
from portal.orgs import services
from portal.orgs.export import ORGANISATION_COLUMNS
from portal.orgs.models import Organisation, OrganisationKind

blp = api_blueprint(
    "api_organizations",
    __name__,
    "Organisations: municipalities, authorities, system suppliers and others.",
    tag="Organizations",
)

# Slugs are lower-case ASCII with hyphens; municipality codes four digits.

# The CSV export holds every match; there are a few hundred organisations in all.
CSV_MAX_ROWS = 10_000


class OrganizationSchema(ma.Schema):
    slug = fields.String(required=True, metadata={"description": "Stable identifier in URLs."})
    name = fields.String(required=True)
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)
    municipality_code = fields.String(
        allow_none=True, metadata={"description": "Four-digit municipality code (kommunkod)."}
    )
    county = fields.Nested(CountySchema, allow_none=True)
    website = fields.String(allow_none=True)
    description = fields.String(allow_none=True, metadata={"description": "Markdown."})
    verified = fields.Boolean(required=True)
    is_example = fields.Boolean(
        required=True, metadata={"description": "Fictional example data from the demo."}
    )
    updated_at = UtcDateTime(required=True)


OrganizationPageSchema = page_schema(OrganizationSchema, "OrganizationPage")


class OrganisationFilterSchema(PaginationArgsSchema):
    kind = fields.Enum(OrganisationKind, by_value=True, load_default=None)
    county = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9]{2}$"),
        metadata={"description": "Two-digit county code, e.g. 09 for Gotland."},
    )
    q = text_field(
        100, load_default=None, metadata={"description": "Words in the name, or a code."}
    )


def _filters(args: dict) -> services.OrganisationFilter:
    return services.OrganisationFilter(
        kind=args.get("kind"), county_code=args.get("county"), q=args.get("q")
    )


@blp.route("/organizations")
@blp.arguments(OrganisationFilterSchema, location="query")
@blp.response(200, OrganizationPageSchema, headers={"Link": LINK_HEADER})
def list_organizations(args: dict):
    """List organisations, filtered like the organisations page."""
    page = services.list_organisations(_filters(args), args["page"], args["per_page"])
    return paginated(page)


class OrganisationCsvArgsSchema(OrganisationFilterSchema, CsvDialectArgsSchema):
    class Meta:
        exclude = ("page", "per_page")


@blp.route("/organizations.csv")
@blp.arguments(OrganisationCsvArgsSchema, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv")
def export_organizations(args: dict):
    """Download the organisations matching the filters as CSV (UTF-8, one header row;
    `dialect`)."""
    rows = services.export_organisations(_filters(args), CSV_MAX_ROWS)
    return csv_response(ORGANISATION_COLUMNS, rows, "organizations.csv", csv_dialect(args))


@item_route(blp, "/organizations/<slug_or_code>", OrganizationSchema)
def get_organization(slug_or_code: str) -> Organisation:
    """Get one organisation by slug or four-digit municipality code (gotland = 0980)."""
    return services.get_organisation(slug_or_code)
