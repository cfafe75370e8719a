"""The complaints register on SQLite and PostgreSQL (D 10, DBC 11), and its monitoring
figures (SCAR Q15: "complaints data will also be monitored") against hand-counted values."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from activities.case_store import store_env
from activities.complaints_register import ComplaintNotFound, ComplaintsRegister
from activities.complaints_report import ComplaintsReportSource
from aggregates.errors import ConflictError
from aggregates.report import Actor, Council, Role
from monitoring.periods import Period, PeriodKind
from monitoring.reports import REPORTS, safe_report

CW = Actor("cw-1", Role.CASEWORKER)
LM = Actor("lm-1", Role.LINE_MANAGER)
SUMMARY = "Nobody called back about the broken lock at the flat"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def env(database: tuple[str, str | None]) -> dict[str, str]:
    url, schema = database
    return store_env(url, os.urandom(32), schema)


def receive(register: ComplaintsRegister, council: Council = Council.DOVER,
            channel: str = "telephone", area: str = "landlord", **more: Any) -> UUID:
    complaint_id = more.pop("complaint_id", uuid4())
    register.receive(complaint_id=complaint_id, council=council, channel=channel,
                     subject="service", area=area,
                     received_at=register.clock() - timedelta(hours=2), case_id=None,
                     complainant="Ms A. Resident", summary=SUMMARY,
                     adjustments=["Calls in the morning only"], actor=CW)
    return complaint_id


def test_a_complaint_is_kept_encrypted_and_found_only_in_its_council(
        env: dict[str, str], database: tuple[str, str | None]) -> None:
    """D 10.1-10.3 recorded; the council boundary (ARCHITECTURE "Need to know"): another
    council's complaint is not found, the same answer as none."""
    clock = Clock(datetime(2026, 3, 10, 9, tzinfo=UTC))
    complaint_id = receive(ComplaintsRegister(env, clock))
    again = ComplaintsRegister(env, clock)  # another process, same database
    complaint = again.complaint(complaint_id, Council.DOVER)
    assert (complaint.summary, complaint.adjustments) == (SUMMARY, ("Calls in the morning only",))
    with pytest.raises(ComplaintNotFound):
        again.complaint(complaint_id, Council.DARTFORD)
    with pytest.raises(ComplaintNotFound):
        again.complaint(uuid4(), Council.DOVER)
    assert [c.id for c in again.complaints(Council.DOVER)] == [complaint_id]
    assert again.complaints(Council.DARTFORD) == []
    url, schema = database
    engine = sa.create_engine(url)
    table = f'"{schema}".complaintsregister_events' if schema else "complaintsregister_events"
    with engine.connect() as conn:
        stored = b"".join(bytes(state) for state in conn.execute(
            sa.text(f"SELECT state FROM {table}")).scalars())
        # The record is corrected by new events, never edited (activities/append_only.py).
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    engine.dispose()
    assert stored and b"broken lock" not in stored and b"Resident" not in stored


def test_the_same_idempotency_key_twice_records_one_complaint(env: dict[str, str]) -> None:
    """A repeated request is refused 409, naming the key, never a second complaint."""
    register = ComplaintsRegister(env, Clock(datetime(2026, 3, 10, 9, tzinfo=UTC)))
    complaint_id = receive(register)
    with pytest.raises(ConflictError) as caught:
        receive(register, complaint_id=complaint_id)
    assert (caught.value.rule, caught.value.field) == ("idempotency_key_used_once",
                                                        "Idempotency-Key")
    assert len(register.complaints(Council.DOVER)) == 1


def test_two_answers_at_once_keep_one_and_refuse_the_other(env: dict[str, str]) -> None:
    """A stage is answered once (D 10.4): the second writer, loaded before the first saved,
    is refused 409 on the stream's version rather than overwriting it."""
    clock = Clock(datetime(2026, 3, 10, 9, tzinfo=UTC))
    first, second = ComplaintsRegister(env, clock), ComplaintsRegister(env, clock)
    complaint_id = receive(first)
    stale = second.complaint(complaint_id, Council.DOVER)
    first.answer_stage(complaint_id, Council.DOVER, outcome="upheld",
                       reason="The call was not made", actor=LM)
    stale.answer_stage(outcome="not_upheld", reason="The call was made on time", actor=LM,
                       at=clock())
    with pytest.raises(ConflictError, match="complaint_changed_meanwhile"):
        second._saved(stale)
    assert [r.outcome.value for r in second.complaint(complaint_id, Council.DOVER).responses
            ] == ["upheld"]


def test_every_complaint_event_is_a_leaf_of_the_transparency_log_and_verifies(
        env: dict[str, str]) -> None:
    """The transparency log covers complaints as it does cases (issue 15): a signed
    checkpoint after complaints were recorded and answered verifies, every event a leaf."""
    from activities.case_store import CaseStore
    from application.log_verifier import verify_store
    from application.transparency import TransparencyLog
    from transparency.checkpoint import open_checkpoint
    from transparency.note import Signer, Verifier

    cases = CaseStore(dict(env))
    register = ComplaintsRegister(env, Clock(datetime(2026, 3, 10, 9, tzinfo=UTC)))
    for _ in range(3):
        complaint_id = receive(register)
        register.answer_stage(complaint_id, Council.DOVER, outcome="upheld",
                              reason="The call was not made", actor=LM)
    log = TransparencyLog(cases.recorder)  # type: ignore[arg-type]
    key = Signer.generate("test.invalid/da-casework-log")
    signed = log.make_checkpoint(key, now=1_000)
    assert signed.size == 6 == register.recorder.max_notification_id()
    checkpoint = open_checkpoint(signed.note, log_key=Verifier.from_vkey(
        key.verifier.vkey())).checkpoint
    with cases.recorder.transaction(commit=False) as session:  # type: ignore[attr-defined]
        found = verify_store(session, log.tables, checkpoint)
    assert found.ok, found.problems
    assert found.leaves == 6


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_complaints_figures_match_a_hand_count(env: dict[str, str]) -> None:
    """SCAR Q15, D 10.2, DBC 11.2: by channel and by outcome, counted in the London month
    recorded; the other council's complaints never count; small numbers are hidden."""
    clock = Clock(at(date(2025, 4, 2)))
    register = ComplaintsRegister(env, clock)
    # Dover, April 2025: 6 by telephone, 1 by email; Dartford, April: 3 by letter.
    april = [receive(register) for _ in range(6)] + [receive(register, channel="email")]
    for _ in range(3):
        receive(register, Council.DARTFORD, channel="letter")
    # Dover, recorded at 23:30 UTC on 31 May = 00:30 on 1 June in London: June, online form.
    clock.now = datetime(2025, 5, 31, 23, 30, tzinfo=UTC)
    june = receive(register, channel="online_form")
    # Dover, May: stage 1 answered for 5 (3 not upheld, 2 upheld); one withdrawn.
    clock.now = at(date(2025, 5, 6))
    for n, complaint_id in enumerate(april[:5]):
        register.answer_stage(complaint_id, Council.DOVER, reason="Looked into it fully",
                              outcome="not_upheld" if n < 3 else "upheld", actor=LM)
    register.withdraw(april[6], Council.DOVER, reason="Sorted out by phone", actor=CW)
    # June: two escalated and answered at stage 2, one taken to the Housing Ombudsman.
    clock.now = at(date(2025, 6, 9))
    for complaint_id in april[:2]:
        register.escalate(complaint_id, Council.DOVER, reason="Not satisfied", actor=CW)
        register.answer_stage(complaint_id, Council.DOVER, outcome="partly_upheld",
                              reason="The repair was late", actor=LM)
    register.take_to_ombudsman(april[0], Council.DOVER, ombudsman="housing_ombudsman", actor=LM)
    register.answer_stage(june, Council.DOVER, outcome="upheld", reason="Nobody replied",
                          actor=LM)

    source = ComplaintsReportSource(register)
    channel, outcome = REPORTS["complaints-channel"], REPORTS["complaints-outcome"]
    assert source.offers(channel) and source.offers(outcome)
    assert not source.offers(REPORTS["referrals-received"])
    by_channel = source.monthly_counts(channel, Council.DOVER, 2025, [0, 1, 2])
    # rows: letter, email, online form, leaflet, telephone, in person, another way
    assert by_channel[0] == [[0], [1], [0], [0], [6], [0], [0]]
    assert by_channel[1] == [[0]] * 7
    assert by_channel[2] == [[0], [0], [1], [0], [0], [0], [0]]
    assert source.monthly_counts(channel, Council.DARTFORD, 2025, [0])[0][0] == [3]
    by_outcome = source.monthly_counts(outcome, Council.DOVER, 2025, [0, 1, 2])
    # rows: stage 1 upheld, partly, not; stage 2 upheld, partly, not; withdrawn; Ombudsman
    assert by_outcome[0] == [[0]] * 8
    assert by_outcome[1] == [[2], [0], [3], [0], [0], [0], [1], [0]]
    assert by_outcome[2] == [[1], [0], [0], [0], [2], [0], [0], [1]]
    assert source.monthly_counts(outcome, Council.DOVER, 2024, [1])[1] == [[0]] * 8

    quarter = safe_report(source, "complaints-channel", Council.DOVER,
                          Period(2025, PeriodKind.QUARTER, 0), today=date(2025, 7, 1),
                          min_count=5)
    # The 1 email and the 1 online form are hidden; so is the total of 8, since April's 7
    # and May's 0 are shown by month and would give June's 1 away, and then the 6 by
    # telephone, which is the total less the hidden ones. The zeros give nothing away.
    assert quarter.row_labels[-1] == "Total"
    assert [row[0] for row in quarter.cells] == [0, None, None, 0, None, 0, 0, None]
    assert quarter.months == (("April 2025", 7), ("May 2025", 0), ("June 2025", None))


def test_feedback_figures_match_a_hand_count(env: dict[str, str]) -> None:
    """D 8.62: feedback given, by satisfaction, in the London month recorded; Dartford's
    never counts in Dover's; feedback is listed newest first, its words kept encrypted."""
    clock = Clock(at(date(2025, 4, 7)))
    register = ComplaintsRegister(env, clock)

    def give(council: Council, satisfaction: str) -> UUID:
        feedback_id = uuid4()
        register.give_feedback(feedback_id=feedback_id, council=council, channel="survey",
                               satisfaction=satisfaction, given_at=clock() - timedelta(days=1),
                               case_id=None, comments="Felt listened to", may_quote=False,
                               actor=CW)
        return feedback_id

    for satisfaction in ["very_satisfied"] * 5 + ["satisfied"] * 2 + ["dissatisfied"]:
        give(Council.DOVER, satisfaction)
    give(Council.DARTFORD, "very_dissatisfied")
    clock.now = at(date(2025, 5, 2))
    latest = give(Council.DOVER, "not_said")
    receive(register)  # a complaint in the same register counts in no feedback row

    source = ComplaintsReportSource(register)
    report = REPORTS["feedback-satisfaction"]
    assert source.offers(report)
    counts = source.monthly_counts(report, Council.DOVER, 2025, [0, 1])
    # rows: very satisfied, satisfied, neither, dissatisfied, very dissatisfied, did not say
    assert counts[0] == [[5], [2], [0], [1], [0], [0]]
    assert counts[1] == [[0], [0], [0], [0], [0], [1]]
    assert source.monthly_counts(report, Council.DARTFORD, 2025, [0])[0][4] == [1]
    dover = register.feedback(Council.DOVER)
    assert len(dover) == 9 and dover[0].id == latest
    assert len(register.feedback(Council.DARTFORD)) == 1


def test_the_command_line_exports_the_complaints_figures(tmp_path: Path) -> None:
    """`casework monitoring-export --report complaints-channel`: the register's figures,
    small numbers hidden in the file as on the page (SCAR Q15)."""
    from casework.complaints_admin import build_complaints_register
    from casework.settings import Environment, Settings
    from tests.integration.test_cli_staff import casework

    register = build_complaints_register(Settings(data_dir=tmp_path,
                                                         environment=Environment.DEVELOPMENT))
    register.clock = Clock(at(date(2025, 5, 6)))
    for _ in range(6):
        receive(register, channel="letter")
    receive(register, channel="email")
    out = tmp_path / "q1.csv"
    done = casework(tmp_path, "monitoring-export", "--report", "complaints-channel",
                    "--from", "2025-04-01", "--to", "2025-06-30", "--council", "dover",
                    "--format", "csv", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Complaints received, by channel, Dover, Q1 2025 to 2026")
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")))
            if len(r) > 1}
    # The 1 email is hidden, and the 6 letters with it (they are the total less the email).
    assert rows["Email"] == ["not shown"] and rows["Letter"] == ["not shown"]
    assert rows["Telephone"] == ["0"] and rows["Total"] == ["7"]
