"""The authority: issuance requests, the duplicate review queue with merge and unmerge, and
the automatic merges to audit."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from healthid.domain.errors import NotFoundError, RuleError
from healthid.domain.person import Person
from healthid.domain.review import ReviewStatus
from healthid.entrypoints.web.i18n import SEX_NAMES, translate
from healthid.entrypoints.web.pages import error_text, language, redirect, render, text
from healthid.entrypoints.web.session import (
    DepsDep,
    ViewerDep,
    checked_form,
    require,
)
from healthid.services import issuance, review
from healthid.services.access import Permission

router = APIRouter(include_in_schema=False)

REQUEST_STATUSES = ("pending", "approved", "rejected")
REVIEW_STATUSES = tuple(str(s) for s in ReviewStatus)


@router.get("/issuance")
def issuance_requests(
    request: Request, deps: DepsDep, viewer: ViewerDep, status: str = "pending"
) -> Response:
    require(viewer, Permission.LIST_ISSUANCE)
    status = status if status in REQUEST_STATUSES else "pending"
    requests = issuance.list_requests(deps=deps, caller=viewer.caller, status=status)
    return render(request, "issuance.html", viewer=viewer, requests=requests, status=status)


@router.post("/issuance/{request_id}/{decision}")
async def decide_issuance(
    request: Request,
    *,
    request_id: str,
    decision: str,
    deps: DepsDep,
    viewer: ViewerDep,
) -> Response:
    require(viewer, Permission.DECIDE_ISSUANCE)
    form = await checked_form(request, viewer)
    try:
        if decision == "approve":
            issuance.approve(deps=deps, caller=viewer.caller, request_id=request_id)
        elif decision == "reject":
            issuance.reject(
                deps=deps,
                caller=viewer.caller,
                request_id=request_id,
                reason=text(form, "reason") or "-",
            )
        else:
            raise NotFoundError("decision")
    except RuleError as exc:
        requests = issuance.list_requests(deps=deps, caller=viewer.caller, status="pending")
        return render(
            request,
            "issuance.html",
            422,
            viewer=viewer,
            requests=requests,
            status="pending",
            failure=error_text(exc, language(request)),
        )
    return redirect("/issuance")


@router.get("/reviews")
def reviews(
    request: Request, deps: DepsDep, viewer: ViewerDep, status: str = "pending"
) -> Response:
    require(viewer, Permission.REVIEW_DUPLICATES)
    status = status if status in REVIEW_STATUSES else "pending"
    pairs = review.list_reviews(deps=deps, caller=viewer.caller, status=status, limit=200)
    return render(request, "reviews.html", viewer=viewer, pairs=pairs, status=status)


def _compared(a: Person, b: Person, lang: str) -> list[tuple[str, str, str]]:
    """(label, a's value, b's value) for each field shown side by side."""
    da, db = a.demographics, b.demographics

    def sex(value: object) -> str:
        return translate(SEX_NAMES.get(str(value), str(value)), lang)

    rows = [
        ("Họ và tên", da.full_name, db.full_name),
        ("Ngày sinh", str(da.birth_date), str(db.birth_date)),
        ("Giới tính", sex(da.sex), sex(db.sex)),
        ("Nơi sinh", da.birthplace or "", db.birthplace or ""),
        ("Địa chỉ", da.address or "", db.address or ""),
    ]
    systems = sorted({str(i.system) for i in (*a.identifiers, *b.identifiers)})
    for system in systems:
        va = ", ".join(sorted(i.masked() for i in a.identifiers if str(i.system) == system))
        vb = ", ".join(sorted(i.masked() for i in b.identifiers if str(i.system) == system))
        rows.append((system.upper(), va, vb))
    return rows


@router.get("/reviews/{review_id}")
def review_pair(request: Request, review_id: str, deps: DepsDep, viewer: ViewerDep) -> Response:
    require(viewer, Permission.REVIEW_DUPLICATES)
    try:
        view = review.show_review(deps=deps, caller=viewer.caller, review_id=review_id)
    except NotFoundError:
        return render(request, "error.html", 404, viewer=viewer, kind="not_found")
    weights = sorted(view.pair.weights.items(), key=lambda kv: -abs(kv[1][1]))
    scale = max([abs(w) for _, (_, w) in weights] + [1.0])
    return render(
        request,
        "review.html",
        viewer=viewer,
        view=view,
        rows=_compared(view.a, view.b, language(request)),
        weights=weights,
        scale=scale,
    )


@router.post("/reviews/{review_id}/{decision}")
async def decide_review(
    request: Request,
    *,
    review_id: str,
    decision: str,
    deps: DepsDep,
    viewer: ViewerDep,
) -> Response:
    require(viewer, Permission.REVIEW_DUPLICATES)
    form = await checked_form(request, viewer)
    try:
        if decision == "merge":
            review.merge(
                deps=deps,
                caller=viewer.caller,
                review_id=review_id,
                survivor_id=text(form, "survivor", 40) or None,
            )
        elif decision == "reject":
            review.reject_review(deps=deps, caller=viewer.caller, review_id=review_id)
        else:
            raise NotFoundError("decision")
    except RuleError as exc:
        return render(
            request,
            "error.html",
            409,
            viewer=viewer,
            kind="conflict",
            detail=error_text(exc, language(request)),
        )
    except NotFoundError:
        return render(request, "error.html", 404, viewer=viewer, kind="not_found")
    return redirect(f"/reviews/{review_id}")


@router.get("/merges")
def automatic_merges(request: Request, deps: DepsDep, viewer: ViewerDep) -> Response:
    """The merges no person decided, for sampling and audit, each with its strongest evidence."""
    require(viewer, Permission.REVIEW_DUPLICATES)
    merges = review.list_automatic_merges(deps=deps, caller=viewer.caller, limit=200)
    strongest = {
        m.merge.id: sorted(m.pair.weights.items(), key=lambda kv: -abs(kv[1][1]))[:3]
        for m in merges
        if m.pair is not None
    }
    return render(request, "merges.html", viewer=viewer, merges=merges, strongest=strongest)


@router.post("/merges/{merge_id}/unmerge")
async def unmerge(
    request: Request,
    merge_id: str,
    deps: DepsDep,
    viewer: ViewerDep,
) -> Response:
    require(viewer, Permission.REVIEW_DUPLICATES)
    form = await checked_form(request, viewer)
    try:
        done = review.unmerge(deps=deps, caller=viewer.caller, merge_id=merge_id)
    except RuleError as exc:
        return render(
            request,
            "error.html",
            409,
            viewer=viewer,
            kind="conflict",
            detail=error_text(exc, language(request)),
        )
    except NotFoundError:
        return render(request, "error.html", 404, viewer=viewer, kind="not_found")
    if text(form, "next", 10) == "merges":  # from the list of automatic merges: back to it
        return redirect("/merges")
    back = text(form, "review", 40) or done.review_id
    return redirect(f"/reviews/{back}" if back else "/reviews")
