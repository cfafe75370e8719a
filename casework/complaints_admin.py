"""The complaints register built from settings, and the monitoring figures that read it
beside the projections' (the web app and `casework monitoring-export` alike)."""

from __future__ import annotations

from activities.complaints_register import ComplaintsRegister
from activities.complaints_report import ComplaintsReportSource
from casework.settings import Settings
from casework.wiring import _creating_tables, _store_env
from monitoring.reports import ReportSource
from monitoring.sources import CombinedReportSource


def build_complaints_register(settings: Settings) -> ComplaintsRegister:
    """Complaints (D 10, DBC 11), beside the cases in the same event store."""
    env = _store_env(settings)
    return _creating_tables(lambda: ComplaintsRegister(env))


def monitoring_source(projected: ReportSource,
                      register: ComplaintsRegister) -> CombinedReportSource:
    """Every report's figures: the projections' (`activities/monitoring_projection.py`), and
    the register's complaints and feedback."""
    return CombinedReportSource(projected, ComplaintsReportSource(register))
