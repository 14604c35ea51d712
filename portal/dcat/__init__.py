"""Open data: the DCAT-AP-SE catalogue of the public collections."""
