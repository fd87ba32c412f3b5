#!/usr/bin/env python3
"""
The interop federation's data, made per run through the reference's own models (no fixture file to go
stale): INTEROP_STATE names the run's directory (config.json in, keys.json and db.sqlite3 out).

  federation_setup.py keys   the TA's and the RP's keys, made once per state directory (kept in
                             keys.json, mode 600); prints {"ta_jwks": [<TA federation public JWK>]}.
  federation_setup.py load   migrates the database, then writes the Trust Anchor, the Relying Party (leaf
                             of the TA, carrying the TA's trust mark) and CieID edge as the TA's
                             subordinate OP (config.json "op_jwks": its federation public keys); prints
                             {"rp": <RP entity id>, "rp_metadata": <its openid_relying_party metadata>}.
"""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cieid_interop.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from spid_cie_oidc.authority.models import (  # noqa: E402
    FederationDescendant,
    FederationEntityAssignedProfile,
    FederationEntityProfile,
)
from spid_cie_oidc.entity.jwks import create_jwk, public_jwk_from_private_jwk  # noqa: E402
from spid_cie_oidc.entity.models import FederationEntityConfiguration  # noqa: E402

STATE = settings.STATE_DIR
CONFIG = settings.CONFIG
KEYS_FILE = STATE / "keys.json"

# The trust marks this TA issues, named under its own entity id as the CIE federation names them.
RP_PROFILE = f"{CONFIG['ta']}/openid_relying_party/public"
OP_PROFILE = f"{CONFIG['ta']}/openid_provider/public"


def private_key(use=None, alg=None):
    jwk = create_jwk()
    if use:
        jwk["use"] = use
    if alg:
        jwk["alg"] = alg
    return jwk


def public(jwk):
    pub = public_jwk_from_private_jwk(jwk)
    for member in ("use", "alg"):
        if member in jwk:
            pub[member] = jwk[member]
    return pub


def keys():
    if KEYS_FILE.exists():
        return json.loads(KEYS_FILE.read_text())
    made = {
        "ta_fed": private_key(),
        "rp_fed": private_key(),
        "rp_sig": private_key("sig", "RS256"),
        "rp_enc": private_key("enc", "RSA-OAEP-256"),
    }
    KEYS_FILE.touch(mode=0o600)
    KEYS_FILE.write_text(json.dumps(made))
    return made


def rp_metadata(k):
    rp = CONFIG["rp"]
    # As the reference's own RP fixtures carry it (jwks inline, jwks_uri and signed_jwks_uri too), with
    # the userinfo encryption a CIE RP asks for.
    return {
        "client_id": rp,
        "client_name": "Relying Party di riferimento (spid-cie-oidc)",
        "organization_name": "Relying Party di riferimento",
        "application_type": "web",
        "client_registration_types": ["automatic"],
        "redirect_uris": [f"{rp}/callback"],
        "response_types": ["code"],
        "grant_types": ["refresh_token", "authorization_code"],
        "subject_type": "pairwise",
        "contacts": ["ops@rp.interop.invalid"],
        "jwks": {"keys": [public(k["rp_sig"]), public(k["rp_enc"])]},
        "jwks_uri": f"{rp}/openid_relying_party/jwks.json",
        "signed_jwks_uri": f"{rp}/openid_relying_party/jwks.jose",
        "id_token_signed_response_alg": "RS256",
        "userinfo_signed_response_alg": "RS256",
        "userinfo_encrypted_response_alg": "RSA-OAEP-256",
        "userinfo_encrypted_response_enc": "A256CBC-HS512",
        "token_endpoint_auth_method": "private_key_jwt",
    }


def load():
    k = keys()
    ta, rp, op = CONFIG["ta"], CONFIG["rp"], CONFIG["op"]
    call_command("migrate", verbosity=0, interactive=False)

    # First row: the reference picks its own TA as "the first active configuration with federation_entity".
    anchor = FederationEntityConfiguration.objects.create(
        sub=ta,
        default_exp=60,
        entity_type="federation_entity",
        jwks_fed=[k["ta_fed"]],
        jwks_core=[private_key()],
        metadata={
            "federation_entity": {
                "organization_name": "Trust Anchor di riferimento (interop)",
                "homepage_uri": ta,
                "contacts": ["ops@ta.interop.invalid"],
                "federation_fetch_endpoint": f"{ta}/fetch",
                "federation_resolve_endpoint": f"{ta}/resolve",
                "federation_list_endpoint": f"{ta}/list",
                "federation_trust_mark_status_endpoint": f"{ta}/trust_mark_status",
            }
        },
        constraints={"max_path_length": 1},
        trust_mark_issuers={RP_PROFILE: [ta], OP_PROFILE: [ta]},
        is_active=True,
    )

    rp_profile = FederationEntityProfile.objects.create(
        name="RP pubblico",
        profile_category="openid_relying_party",
        profile_id=RP_PROFILE,
        trust_mark_template={"iss": "$.issuer_sub", "sub": "$.sub", "id": RP_PROFILE, "ref": f"{ta}/regole"},
    )
    op_profile = FederationEntityProfile.objects.create(
        name="OP",
        profile_category="openid_provider",
        profile_id=OP_PROFILE,
        trust_mark_template={"iss": "$.issuer_sub", "sub": "$.sub", "id": OP_PROFILE},
    )

    rp_descendant = FederationDescendant.objects.create(
        name="Relying Party di riferimento",
        sub=rp,
        type="openid_relying_party",
        jwks=[public(k["rp_fed"])],
        metadata_policy={},
        status="valid",
        is_active=True,
    )
    op_descendant = FederationDescendant.objects.create(
        name="CieID edge",
        sub=op,
        type="openid_provider",
        jwks=CONFIG["op_jwks"],
        metadata_policy={},
        status="valid",
        is_active=True,
    )
    rp_mark = FederationEntityAssignedProfile.objects.create(descendant=rp_descendant, profile=rp_profile, issuer=anchor)
    FederationEntityAssignedProfile.objects.create(descendant=op_descendant, profile=op_profile, issuer=anchor)

    metadata = rp_metadata(k)
    FederationEntityConfiguration.objects.create(
        sub=rp,
        default_exp=60,
        entity_type="openid_relying_party",
        authority_hints=[ta],
        jwks_fed=[k["rp_fed"]],
        jwks_core=[k["rp_sig"], k["rp_enc"]],
        # The TA's trust mark, signed now, shown in the RP's entity configuration as a leaf shows it.
        trust_marks=[rp_mark.trust_mark],
        metadata={
            "federation_entity": {
                "organization_name": "Relying Party di riferimento",
                "homepage_uri": rp,
                "contacts": ["ops@rp.interop.invalid"],
                "federation_resolve_endpoint": f"{rp}/resolve",
            },
            "openid_relying_party": metadata,
        },
        is_active=True,
    )
    return {"rp": rp, "rp_metadata": metadata, "trust_mark_id": RP_PROFILE}


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "keys":
        print(json.dumps({"ta_jwks": [public_jwk_from_private_jwk(keys()["ta_fed"])]}))
    elif command == "load":
        print(json.dumps(load()))
    else:
        sys.exit("usage: federation_setup.py keys|load")
