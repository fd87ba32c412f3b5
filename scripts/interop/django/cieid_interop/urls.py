"""
The Trust Anchor at the root (its entity configuration, fetch, list, resolve, trust mark status) and the
Relying Party under /oidc/rp (its entity configuration, login start, callback, attributes page), as the
reference's examples/federation_authority mounts them.
"""
from django.urls import path
from spid_cie_oidc.authority.urls import urlpatterns as authority_urlpatterns
from spid_cie_oidc.entity.urls import urlpatterns as entity_urlpatterns
from spid_cie_oidc.entity.views import entity_configuration, resolve_entity_statement
from spid_cie_oidc.relying_party.urls import urlpatterns as rp_urlpatterns

urlpatterns = [
    *entity_urlpatterns,
    *authority_urlpatterns,
    *rp_urlpatterns,
    path("oidc/rp/.well-known/openid-federation", entity_configuration, name="rp_entity_configuration"),
    path("oidc/rp/resolve", resolve_entity_statement, name="rp_entity_resolve"),
]
