"""Who gets what from the account pages: logging in and out, two-factor set-up, API tokens."""

from collections.abc import Mapping
from typing import Any

from vegvis.testing.access_matrix import TO_LOGIN, Actors, Redirect, everyone, expect, staff, staff_only

expect("accounts:login", roles={"anonymous": 200, **staff(Redirect("core:home"))})
expect("accounts:logout", method="post", roles=everyone(TO_LOGIN))
expect("accounts:otp_setup", roles=staff_only(200))
expect("accounts:otp_verify", roles=staff_only(200))
expect("accounts:api_tokens", roles=staff_only(200))
expect("accounts:password_change", roles=staff_only(200))


def case_handlers_token(actors: Actors) -> Mapping[str, Any]:
    from vegvis.access.principal import principal_for
    from vegvis.accounts.services import api_token_issue

    owner = actors["case_handler"]
    assert owner is not None
    token, _key = api_token_issue(actor=principal_for(owner), user=owner, name="matrix")
    return {"pk": token.pk}


# Only the token's owner may revoke it; to everyone else it does not exist.
expect(
    "accounts:api_token_revoke",
    method="post",
    kwargs=case_handlers_token,
    roles=staff_only(404, case_handler=Redirect("accounts:api_tokens")),
)
