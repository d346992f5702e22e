"""The API's request and response bodies. Other systems rely on these field names."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(Strict):
    si_number: str | None = Field(None, examples=["0123456789"])
    cccd: str | None = Field(None, examples=["001090012345"])
    bhyt_card: str | None = Field(None, examples=["DN4010123456789"])
    full_name: str = Field(examples=["Nguyễn Văn An"], max_length=200)
    birth_date: str = Field(examples=["1990-05-01", "19650000"], max_length=20)
    sex: Literal["male", "female", "other"]
    birthplace: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=400)
    phone: str | None = Field(None, max_length=20)


class PersonOut(BaseModel):
    id: str
    health_id: str | None = Field(description="Masked: 0123456789.**********")
    health_id_status: str | None
    full_name: str
    birth_date: str
    sex: str
    mrn: str | None = None


class RegisteredOut(PersonOut):
    created: bool


class IdentifierIn(Strict):
    system: Literal["si", "cccd", "bhyt", "mrn"]
    value: str = Field(max_length=64)


class MatchIn(Strict):
    """What the patient states: an identifier and who they are."""

    identifier: IdentifierIn
    full_name: str = Field(examples=["Nguyễn Văn An"], max_length=200)
    birth_date: str = Field(examples=["1990-05-01", "1990"], max_length=20)
    sex: Literal["male", "female", "other"]


class MatchOut(BaseModel):
    id: str
    health_id: str | None = Field(description="Masked: 0123456789.**********")
    health_id_status: str | None


class IdentifierStatusOut(BaseModel):
    known: bool
    health_id_status: str | None


class BreakGlassIn(Strict):
    reason: Literal["ETREAT"]
    justification: str = Field(min_length=10, max_length=500)


class BreakGlassSearchIn(Strict):
    """An unconscious patient without papers: what can be seen or found on them."""

    reason: Literal["ETREAT"]
    justification: str = Field(min_length=10, max_length=500)
    full_name: str = Field(max_length=200)
    birth_year: str = Field(pattern=r"^[0-9]{4}$", examples=["1958"])
    province: str | None = Field(None, max_length=100, examples=["Hà Nội"])


class CandidateOut(BaseModel):
    id: str
    full_name: str
    birth_date: str
    sex: str
    health_id: str | None
    health_id_status: str | None
    break_glass_until: datetime


class BreakGlassOut(BaseModel):
    person_id: str
    expires_at: datetime


class VerifyIn(Strict):
    health_id: str = Field(max_length=64)


class VerifyOut(BaseModel):
    status: Literal["valid", "invalid", "revoked", "replaced"]


class FacilityLinkIn(Strict):
    mrn: str = Field(max_length=64)


class Page(BaseModel):
    items: list[PersonOut]
    total: int
    limit: int
    offset: int


class IssuanceRequestIn(Strict):
    si_number: str
    full_name: str = Field(max_length=200)
    birth_date: str = Field(max_length=20)
    sex: Literal["male", "female", "other"]
    birthplace: str | None = Field(None, max_length=200)
    cccd: str | None = None
    address: str | None = Field(None, max_length=400)
    reason: str | None = Field(None, max_length=400)


class IssuanceRequestOut(BaseModel):
    id: str
    status: str
    requested_by: str
    facility_code: str | None
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    person_id: str | None = None


class RejectIn(Strict):
    reason: str = Field(min_length=1, max_length=400)


class FacilityIn(Strict):
    code: str
    name: str = Field(max_length=200)
    province: str


class FacilityOut(BaseModel):
    code: str
    name: str
    province_code: str
    active: bool
    max_users: int = Field(description="Enabled users the facility may hold")
    max_clients: int = Field(description="Enabled API clients the facility may hold")


class FacilityLimitsIn(Strict):
    """Either or both; only an admin may change them."""

    max_users: int | None = Field(None, examples=[80])
    max_clients: int | None = Field(None, examples=[8])


class UserIn(Strict):
    username: str
    role: Literal["admin", "authority", "facility_admin", "staff", "auditor"]
    facility_code: str | None = None
    password: str = Field(max_length=256)


class UserOut(BaseModel):
    username: str
    role: str
    facility_code: str | None
    disabled: bool


class ClientIn(Strict):
    facility_code: str
    jwks: dict[str, Any] | None = Field(
        None,
        description="The client's public keys (a JSON Web Key Set) for private_key_jwt "
        "(RFC 7523): the client then has no secret and signs client assertions instead",
        examples=[{"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "k1", "x": "…"}]}],
    )


class ClientOut(BaseModel):
    client_id: str
    facility_code: str
    disabled: bool


class NewClientOut(BaseModel):
    client_id: str
    client_secret: str | None = Field(
        description="Shown once; store it safely. None for a client registered with a jwks"
    )


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class AuditEventOut(BaseModel):
    id: int | None
    at: datetime
    action: str
    outcome: str
    actor: str | None
    facility_code: str | None
    client_id: str | None
    person_id: str | None
    purpose: str | None
    source: str | None
    detail: str | None


class SyncRunOut(BaseModel):
    id: str
    file_name: str
    checksum: str = Field(description="SHA-256 of the extract file")
    status: str = Field(description="running, finished or interrupted")
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, int] = Field(
        description="Rows by outcome: new, updated, unchanged, linked, queued, rejected"
    )


class RejectOut(BaseModel):
    line: int = Field(description="Line in the extract file (the header is line 1)")
    column: str = Field(description="The BHXH column at fault; empty for an unreadable line")
    rule: str
    reason: str
