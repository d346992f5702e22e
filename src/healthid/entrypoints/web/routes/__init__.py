"""One module per group of users: sign-in, facility staff, authority, admin, auditor."""
