"""What the services need from the outside world, as Protocols the adapters implement.

One module an area; everything is re-exported here.
"""

from healthid.services.ports.accounts import (
    AccountRepository,
    AuditRepository,
    BreakGlass,
    CareRepository,
    ClientKeys,
    InvalidTokenError,
    IssuanceRequestRepository,
    OneTimeCodes,
    PasswordHasher,
    QuotaRepository,
    SecondFactor,
    Standing,
    TokenSigner,
    WebSessionRepository,
)
from healthid.services.ports.outside import (
    AdminUnits,
    Clock,
    KeyRing,
    ModelTrainer,
    PairFinder,
)
from healthid.services.ports.persons import (
    HealthIdRepository,
    MatchInput,
    PersonCard,
    PersonRepository,
    ReviewRepository,
)
from healthid.services.ports.sync import (
    ChunkWrites,
    Inbox,
    SealedWrites,
    StoredPerson,
    SyncBulkRepository,
    SyncRepository,
)
from healthid.services.ports.unit_of_work import (
    UniquenessError,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = [
    "AccountRepository",
    "AdminUnits",
    "AuditRepository",
    "BreakGlass",
    "CareRepository",
    "ChunkWrites",
    "ClientKeys",
    "Clock",
    "HealthIdRepository",
    "Inbox",
    "InvalidTokenError",
    "IssuanceRequestRepository",
    "KeyRing",
    "MatchInput",
    "ModelTrainer",
    "OneTimeCodes",
    "PairFinder",
    "PasswordHasher",
    "PersonCard",
    "PersonRepository",
    "QuotaRepository",
    "ReviewRepository",
    "SealedWrites",
    "SecondFactor",
    "Standing",
    "StoredPerson",
    "SyncBulkRepository",
    "SyncRepository",
    "TokenSigner",
    "UniquenessError",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "WebSessionRepository",
]
