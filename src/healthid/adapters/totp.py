"""TOTP (RFC 6238) with pyotp: 6 digits, 30-second steps, one step of clock drift."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "HealthID VN"
STEP_SECONDS = 30


class PyOtpCodes:
    def new_secret(self) -> str:
        return pyotp.random_base32()

    def provisioning_uri(self, secret: str, username: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        code = code.strip().replace(" ", "")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            return None
        totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
        now_step = int(at.timestamp()) // STEP_SECONDS
        for step in (now_step, now_step - 1, now_step + 1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                return step
        return None
