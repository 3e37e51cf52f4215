"""LTI 1.3: an LMS (Canvas, Moodle, …) launches hwcheck and its people arrive signed in.

- platforms.py  a registered platform (issuer, client id, its endpoints, deployments)
- keys.py       hwcheck's own signing keys and the JWKS it publishes (/lti/jwks), rotated
- launch.py     the OIDC login and the launch: every check the specification asks of an
                id_token, each refusal naming the check that failed
- people.py     the launch's context and person -> a course, a student or a staff member

The routes are thin: service/web/lti.py (login, launch) and service/api/lti.py (JWKS, platforms).
"""
