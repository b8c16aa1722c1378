from reviewer import authz


def test_every_endpoint_names_a_known_action():
    assert set(authz.ENDPOINTS.values()) <= set(authz.ACTIONS)


def test_every_action_is_used_by_an_endpoint():
    assert set(authz.ACTIONS) == set(authz.ENDPOINTS.values())


def test_unknown_endpoint_is_refused_to_everyone():
    assert authz.required_action("nope.view") is None
    for role in (*authz.ROLES, authz.ANONYMOUS):
        assert not authz.allowed([role], None)


def test_admin_cannot_read_reports_unless_also_a_reviewer():
    assert not authz.allowed(["admin"], "read_report")
    assert authz.allowed(["admin", "verifier"], "read_report")
    assert authz.allowed(["admin"], "read_audit")
    assert not authz.allowed(["coordinator"], "read_audit")


def test_coordinator_only_actions():
    for action in ("assign", "reseal", "revoke_access", "merge_cases", "approve_urgent",
                   "override_risk"):
        assert authz.allowed(["coordinator"], action)
        assert not authz.allowed(["verifier"], action)
        assert not authz.allowed(["admin"], action)


def test_anonymous_may_only_sign_in():
    permitted = {a for a in authz.ACTIONS if authz.allowed([], a)}
    assert permitted == {"sign_in", "static"}
