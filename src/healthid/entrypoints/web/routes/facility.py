"""Facility staff: look a patient up, verify an ID, register a patient, record an MRN, list."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from healthid.domain.errors import NotFoundError, RuleError
from healthid.domain.purpose import PurposeOfUse
from healthid.entrypoints.web.pages import field_errors, language, render, text
from healthid.entrypoints.web.session import (
    ContextDep,
    RegistryDep,
    ViewerDep,
    checked_form,
    require,
)
from healthid.services import care, patients
from healthid.services.access import Caller, Permission, RequestContext
from healthid.services.health_ids import PersonInput
from healthid.services.quotas import QuotaExceededError

router = APIRouter(include_in_schema=False)

LOOKUP_SYSTEMS = ("si", "cccd", "bhyt", "mrn")
LOOKUP_FIELDS = ("system", "value", "full_name", "birth_date", "sex", "purpose")
SEXES = ("male", "female", "other")
EMERGENCY_FIELDS = ("justification", "full_name", "birth_year", "province")
VIETNAM = timedelta(hours=7)  # UTC+7 all year
PURPOSES = tuple(str(p) for p in PurposeOfUse)
PAGE_SIZE = 25


def _ctx(ctx: RequestContext, purpose: str) -> RequestContext:
    return RequestContext(source=ctx.source, purpose=purpose or None)


@router.get("/")
def home(request: Request, viewer: ViewerDep) -> Response:
    return render(request, "home.html", viewer=viewer)


@router.get("/lookup")
def lookup_form(request: Request, viewer: ViewerDep) -> Response:
    require(viewer, Permission.LOOKUP_PERSON)
    form = {"system": "si", "purpose": "TREAT"}
    return render(request, "lookup.html", viewer=viewer, form=form, result=None)


@router.post("/lookup")
async def lookup(
    request: Request, wired: RegistryDep, viewer: ViewerDep, ctx: ContextDep
) -> Response:
    """Find a patient by what they state: a number AND their name, birth date and sex.

    The registry answers only when they agree with its record (a number alone, or
    invented details, find nothing), and the facility then sees the record.
    """
    require(viewer, Permission.LOOKUP_PERSON)
    form = await checked_form(request, viewer)
    shown = {name: text(form, name, 200) for name in LOOKUP_FIELDS}
    errors = _lookup_errors(shown)
    if not errors:
        caller = Caller(viewer.principal, _ctx(ctx, shown["purpose"]))
        try:
            matched = care.match_person(
                deps=wired.deps,
                caller=caller,
                system=shown["system"],
                value=shown["value"],
                full_name=shown["full_name"],
                birth_date=shown["birth_date"],
                sex=shown["sex"],
            )
            found = patients.read_person(deps=wired.deps, caller=caller, person_id=matched.id)
        except RuleError as exc:
            # A rule on the number (its format) is shown by the number's field.
            message = next(iter(field_errors(exc, language(request)).values()))
            errors = {exc.field if exc.field in LOOKUP_FIELDS else "value": message}
        except NotFoundError:
            errors = {"value": "Không có người nào khớp với mã và thông tin đã nhập"}
        except QuotaExceededError as exc:
            minutes = max(1, (exc.retry_after + 59) // 60)
            return render(
                request,
                "lookup.html",
                429,
                viewer=viewer,
                form=shown,
                result=None,
                quota_minutes=minutes,
            )
        else:
            return render(request, "lookup.html", viewer=viewer, form=shown, result=found)
    return render(
        request, "lookup.html", 422, viewer=viewer, form=shown, errors=errors, result=None
    )


def _lookup_errors(shown: dict[str, str]) -> dict[str, str]:
    errors = {}
    if shown["system"] not in LOOKUP_SYSTEMS:
        errors["system"] = "Hãy chọn loại mã"
    if not shown["value"]:
        errors["value"] = "Hãy nhập mã cần tra cứu"
    if not shown["full_name"]:
        errors["full_name"] = "Hãy nhập họ và tên người bệnh"
    if not shown["birth_date"]:
        errors["birth_date"] = "Hãy nhập ngày sinh (hoặc năm sinh)"
    if shown["sex"] not in SEXES:
        errors["sex"] = "Hãy chọn giới tính"
    if shown["purpose"] not in PURPOSES:
        errors["purpose"] = "Hãy chọn mục đích"
    return errors


@router.get("/verify")
def verify_form(request: Request, viewer: ViewerDep) -> Response:
    require(viewer, Permission.VERIFY_HEALTH_ID)
    return render(request, "verify.html", viewer=viewer, status=None)


@router.post("/verify")
async def verify(
    request: Request, wired: RegistryDep, viewer: ViewerDep, ctx: ContextDep
) -> Response:
    require(viewer, Permission.VERIFY_HEALTH_ID)
    form = await checked_form(request, viewer)
    health_id = text(form, "health_id", 80)
    if not health_id:
        return render(
            request,
            "verify.html",
            422,
            viewer=viewer,
            status=None,
            form={},
            errors={"health_id": "Hãy nhập hoặc quét mã định danh y tế"},
        )
    try:
        status = patients.verify(
            deps=wired.deps, caller=Caller(viewer.principal, ctx), health_id=health_id
        )
    except RuleError as exc:
        return render(
            request,
            "verify.html",
            422,
            viewer=viewer,
            status=None,
            form={"health_id": health_id},
            errors={"health_id": field_errors(exc, language(request)).popitem()[1]},
        )
    return render(request, "verify.html", viewer=viewer, status=status, form={})


REGISTER_FIELDS = (
    "si_number",
    "cccd",
    "bhyt_card",
    "full_name",
    "birth_date",
    "sex",
    "birthplace",
    "address",
    "phone",
)


@router.get("/patients/new")
def register_form(request: Request, viewer: ViewerDep) -> Response:
    require(viewer, Permission.REGISTER_PERSON)
    return render(request, "register.html", viewer=viewer, registered=None)


@router.post("/patients/new")
async def register(
    request: Request, wired: RegistryDep, viewer: ViewerDep, ctx: ContextDep
) -> Response:
    require(viewer, Permission.REGISTER_PERSON)
    form = await checked_form(request, viewer)
    shown = {name: text(form, name) for name in REGISTER_FIELDS}
    try:
        registered = patients.register_person(
            deps=wired.deps,
            caller=Caller(viewer.principal, ctx),
            data=PersonInput(
                si_number=shown["si_number"] or None,
                cccd=shown["cccd"] or None,
                bhyt_card=shown["bhyt_card"] or None,
                full_name=shown["full_name"],
                birth_date=shown["birth_date"],
                sex=shown["sex"],
                birthplace=shown["birthplace"] or None,
                address=shown["address"] or None,
                phone=shown["phone"] or None,
            ),
        )
    except RuleError as exc:
        return render(
            request,
            "register.html",
            422,
            viewer=viewer,
            registered=None,
            form=shown,
            errors=field_errors(exc, language(request)),
        )
    return render(request, "register.html", viewer=viewer, registered=registered, form={})


@router.post("/patients/{person_id}/mrn")
async def record_mrn(
    request: Request, person_id: str, wired: RegistryDep, viewer: ViewerDep, ctx: ContextDep
) -> Response:
    require(viewer, Permission.LINK_FACILITY)
    form = await checked_form(request, viewer)
    mrn = text(form, "mrn", 40)
    try:
        summary = patients.link_facility_mrn(
            deps=wired.deps, caller=Caller(viewer.principal, ctx), person_id=person_id, mrn=mrn
        )
    except RuleError as exc:
        return render(
            request,
            "mrn.html",
            422,
            viewer=viewer,
            person_id=person_id,
            form={"mrn": mrn},
            errors={"mrn": field_errors(exc, language(request)).popitem()[1]},
        )
    except NotFoundError:
        return render(request, "error.html", 404, viewer=viewer, kind="not_found")
    return render(request, "mrn.html", viewer=viewer, person_id=person_id, summary=summary)


@router.get("/patients")
def facility_patients(
    request: Request,
    *,
    wired: RegistryDep,
    viewer: ViewerDep,
    ctx: ContextDep,
    page: int = 1,
    q: str = "",
) -> Response:
    require(viewer, Permission.LIST_FACILITY_PATIENTS)
    page = max(1, min(page, 100_000))
    rows, total = patients.facility_patients(
        deps=wired.deps,
        caller=Caller(viewer.principal, _ctx(ctx, "TREAT")),
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        search=q.strip()[:80] or None,
    )
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    return render(
        request,
        "patients.html",
        viewer=viewer,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        q=q.strip()[:80],
    )


@router.get("/emergency")
def emergency_form(request: Request, viewer: ViewerDep) -> Response:
    require(viewer, Permission.BREAK_GLASS)
    return render(request, "emergency.html", viewer=viewer, form={}, candidates=None)


@router.post("/emergency")
async def emergency(
    request: Request, wired: RegistryDep, viewer: ViewerDep, ctx: ContextDep
) -> Response:
    """Break the glass for an unconscious patient without papers: candidates, each a grant."""
    require(viewer, Permission.BREAK_GLASS)
    form = await checked_form(request, viewer)
    shown = {name: text(form, name, 500) for name in EMERGENCY_FIELDS}
    try:
        found = care.break_glass_search(
            deps=wired.deps,
            caller=Caller(viewer.principal, _ctx(ctx, "ETREAT")),
            reason="ETREAT",
            justification=shown["justification"],
            full_name=shown["full_name"],
            birth_year=shown["birth_year"],
            province=shown["province"] or None,
        )
    except RuleError as exc:
        errors = field_errors(exc, language(request))
        errors = {(k if k in EMERGENCY_FIELDS else "full_name"): v for k, v in errors.items()}
        return render(
            request, "emergency.html", 422, viewer=viewer, form=shown, errors=errors,
            candidates=None,
        )  # fmt: skip
    until = max((c.until for c in found), default=None)
    shown_until = (until + VIETNAM).strftime("%H:%M") if until else "—"
    return render(
        request, "emergency.html", viewer=viewer, form={}, candidates=found, until=shown_until
    )
