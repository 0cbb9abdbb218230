"""One pseudonym scheme: stable tokens under the client's secret, a key file the deliverables never hold."""

import csv
import os
import stat

import pandas as pd

from branch_consult.privacy import (
    KEY_FILE_ENV,
    SECRET_ENV,
    KeyRecording,
    Pseudonymiser,
    pseudonym_secret,
    read_key,
    user_secret_file,
)


def test_tokens_stable_within_secret_and_differ_across():
    a, b = Pseudonymiser("s1"), Pseudonymiser("s2")
    assert a.token("C1") == a.token("C1") != a.token("C2")
    assert a.token("C1") != b.token("C1")
    assert a.token("C1").startswith("客户-") and Pseudonymiser("s1", lang="en").token(
        "S1", "staff"
    ).startswith("Staff-")
    assert a.token(None) == ""


def test_same_person_same_token_in_both_languages_and_runs():
    """Customer-11BB94 in en is 客户-11BB94 in zh: only the prefix follows the language."""
    zh, en = Pseudonymiser("client-secret", lang="zh"), Pseudonymiser("client-secret", lang="en")
    assert zh.token("C7").split("-")[1] == en.token("C7").split("-")[1]
    assert Pseudonymiser("client-secret", lang="en").token("C7") == en.token("C7")  # a later run
    assert zh.token("S1", "staff") != zh.token("S1", "customer")  # kinds never share a token


def test_frame_replaces_only_named_columns_and_can_be_off():
    df = pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["王伟", "李娜"], "aum": [1.0, 2.0]})
    out = Pseudonymiser("s").frame(df, {"customer_id": "customer", "name": "customer"})
    assert "王伟" not in out["name"].tolist() and out["aum"].tolist() == [1.0, 2.0]
    assert Pseudonymiser("s", enabled=False).frame(df, {"name": "customer"}).equals(df)


def test_secret_from_environment_else_configuration_else_user_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.delenv(SECRET_ENV, raising=False)
    assert pseudonym_secret("from-workspace") == "from-workspace"
    first = pseudonym_secret()
    path = user_secret_file()
    assert path == tmp_path / "cfg" / "branch-consult" / "pseudonym-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) == 64
    assert pseudonym_secret() == first  # created once, then read
    monkeypatch.setenv(SECRET_ENV, "from-env")
    assert pseudonym_secret("from-workspace") == "from-env"


def test_key_file_records_each_person_once_with_name(tmp_path):
    key = tmp_path / "key.csv"
    p = Pseudonymiser("s", lang="en", key_file=key)
    t = p.token("S1", "staff")
    p.token("S1", "staff", name="高峰")
    p.token("C1")
    p.token("C1")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert read_key(key) == [
        {"token": p.token("C1"), "kind": "customer", "id": "C1", "name": ""},
        {"token": t, "kind": "staff", "id": "S1", "name": "高峰"},
    ]


def test_key_recording_moves_the_key_beside_the_deliverables(tmp_path, monkeypatch):
    recording = KeyRecording()
    monkeypatch.setenv(KEY_FILE_ENV, recording.env[KEY_FILE_ENV])  # what the kernel inherits
    token = Pseudonymiser("s").token("C9")
    dest = recording.finish(tmp_path / "report_B001.key.csv")
    assert dest is not None and stat.S_IMODE(dest.stat().st_mode) == 0o600
    with dest.open(encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == [
            {"token": token, "kind": "customer", "id": "C9", "name": ""}
        ]
    assert not os.path.exists(recording.env[KEY_FILE_ENV])
    assert KeyRecording().finish(tmp_path / "none.key.csv") is None  # nothing issued, no key
    assert not (tmp_path / "none.key.csv").exists()
