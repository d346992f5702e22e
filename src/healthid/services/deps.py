"""The ports a use case needs, as one typed value that bootstrap wires once."""

from __future__ import annotations

from dataclasses import dataclass, field

from healthid.matching.model import Model
from healthid.services.access import CarePolicy
from healthid.services.ports import AdminUnits, Clock, KeyRing, UnitOfWorkFactory
from healthid.services.quotas import Quotas


@dataclass(frozen=True, kw_only=True)
class Deps:
    """Everything a service reaches beyond its arguments: no process-global state."""

    uow: UnitOfWorkFactory
    keys: KeyRing
    places: AdminUnits
    clock: Clock
    model: Model = field(default_factory=Model.load)
    quotas: Quotas = field(default_factory=Quotas)
    care: CarePolicy = field(default_factory=CarePolicy)
