import pandas as pd

from branch_consult.privacy import Pseudonymiser


def test_tokens_stable_within_salt_and_differ_across():
    a, b = Pseudonymiser("s1"), Pseudonymiser("s2")
    assert a.token("C1") == a.token("C1") != a.token("C2")
    assert a.token("C1") != b.token("C1")
    assert a.token("C1").startswith("客户-") and Pseudonymiser("s1", lang="en").token("S1", "staff").startswith("Staff-")
    assert a.token(None) == ""


def test_frame_replaces_only_named_columns_and_can_be_off():
    df = pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["王伟", "李娜"], "aum": [1.0, 2.0]})
    out = Pseudonymiser("s").frame(df, {"customer_id": "customer", "name": "customer"})
    assert "王伟" not in out["name"].tolist() and out["aum"].tolist() == [1.0, 2.0]
    assert Pseudonymiser("s", enabled=False).frame(df, {"name": "customer"}).equals(df)
