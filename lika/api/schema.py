"""The OpenAPI document's security scheme: a bearer token per connected system."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "lika.api.auth.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Nyckeln för ett anslutet system (docs/api.md): Authorization: Bearer lika_…"}
