"""The web app: routes for cases, sign-in and staff accounts, over the services it is given."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from activities.inbound_log import InboundLog
from activities.monitoring_board import BoardReportSource
from activities.request_keys import RequestKeys
from activities.task_board import TaskBoard
from application.evidence_bundle import BundleKeys
from application.intake import Intake
from gateways.registry import PartnerRegistry
from monitoring.reports import DEFAULT_MIN_COUNT, EMPTY_SOURCE, Monitoring
from web.auth import AuthServices, public
from web.contract import contract_openapi
from web.docs_page import install_docs
from web.errors import install_error_handlers
from web.limits import EdgeGuard
from web.no_store import NoStoreForJson
from web.oidc import OidcClient
from web.pages import mount_assets
from web.pages_as_at import router as as_at_pages
from web.pages_break_glass import router as break_glass_pages
from web.pages_case import router as case_pages
from web.pages_home_safety import router as home_safety_pages
from web.pages_housing import router as housing_pages
from web.pages_lists import router as list_pages
from web.pages_monitoring import router as monitoring_pages
from web.pages_repair_reviews import router as repair_review_pages
from web.pages_report import router as report_pages
from web.pages_risk import router as risk_pages
from web.pages_search import router as search_pages
from web.pages_sharing import router as sharing_pages
from web.pages_tasks import router as task_pages
from web.pages_transfers import router as transfer_pages
from web.routes_access import router as access_router
from web.routes_as_at import router as as_at_router
from web.routes_auth import router as auth_router
from web.routes_cases import router as cases_router
from web.routes_corrections import router as corrections_router
from web.routes_evidence import router as evidence_router
from web.routes_housing import router as housing_router
from web.routes_partners import router as partners_router
from web.routes_repair_reviews import router as repair_reviews_router
from web.routes_repairs import router as repairs_router
from web.routes_safeguarding import router as safeguarding_router
from web.routes_safer import router as safer_router
from web.routes_sanctuary import router as sanctuary_router
from web.routes_staff import router as staff_router
from web.routes_transfer_inbound import router as transfer_inbound_router
from web.routes_transfers import router as transfers_router
from web.routes_transparency import router as transparency_router


def create_app(intake: Intake, auth: AuthServices, oidc: OidcClient | None = None,
               *, show_docs: bool = True, partners: PartnerRegistry | None = None,
               inbound: InboundLog | None = None, board: TaskBoard | None = None,
               request_keys: RequestKeys | None = None,
               monitoring: Monitoring | None = None,
               evidence_keys: BundleKeys | None = None) -> FastAPI:
    """The web app over an intake service (store + workflow client) and sign-in services.
    `request_keys` is required to serve case commands (None only to list the routes).
    `monitoring`: the reports' figures and threshold; by default the figures the board
    holds, with the default threshold. `evidence_keys` sign evidence bundles (None: the
    export answers 503)."""
    app = FastAPI(
        title="Domestic abuse referrals", version="0.2.0",
        docs_url=None, redoc_url=None,  # /docs is served from local files: web/docs_page.py
        openapi_url="/openapi.json" if show_docs else None,
    )
    app.state.intake = intake
    app.state.auth = auth
    app.state.oidc = oidc
    app.state.partners = partners
    app.state.inbound = inbound
    app.state.board = board
    app.state.request_keys = request_keys
    app.state.evidence_keys = evidence_keys
    app.state.monitoring = monitoring or Monitoring(
        BoardReportSource(board) if board is not None else EMPTY_SOURCE,
        DEFAULT_MIN_COUNT)
    install_error_handlers(app)
    app.add_middleware(EdgeGuard)  # who, and how much, before any body is read
    # Outermost: refusals of the guard are marked no-store too.
    app.add_middleware(NoStoreForJson)
    if show_docs:
        install_docs(app)  # before /static: Swagger UI at /static/swagger-ui
    mount_assets(app)  # GOV.UK Frontend at /assets, web/static at /static

    @app.get("/healthz", dependencies=[Depends(public)])
    async def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    app.include_router(auth_router)
    app.include_router(cases_router)
    app.include_router(access_router)
    app.include_router(as_at_router)
    # /work/cases/new before /work/cases/{case_id}, which would take "new" for a case id.
    for pages in (list_pages, search_pages, report_pages, case_pages, task_pages, risk_pages,
                  sharing_pages, break_glass_pages, as_at_pages, home_safety_pages,
                  repair_review_pages, monitoring_pages, transfer_pages, housing_pages):
        app.include_router(pages)
    app.include_router(safeguarding_router)
    app.include_router(sanctuary_router)
    app.include_router(repairs_router)
    app.include_router(repair_reviews_router)
    app.include_router(safer_router)
    app.include_router(housing_router)
    app.include_router(corrections_router)
    app.include_router(partners_router)
    app.include_router(staff_router)
    app.include_router(transparency_router)
    app.include_router(transfers_router)
    app.include_router(transfer_inbound_router)
    app.include_router(evidence_router)
    app.openapi = contract_openapi(app)  # type: ignore[method-assign]
    return app
