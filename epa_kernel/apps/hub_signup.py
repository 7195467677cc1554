"""Signing up and signing in to the kit's hub: NativeAuthenticator, with sign-up codes.

A person gets an account only with the one-time code an admin issued for their name
(:mod:`epa_kernel.store.user_codes`, ``epa users add`` / ``epa users code``): the right code,
unused and within its week, creates the account already approved (the admin vouched for them by
giving it) and is used up. Nobody can claim a registered name first, and nobody needs to approve
a stranger's sign-up by mistake. A lost password is replaced the same way: a new code from
``epa users code`` lets its person set a new one. Nobody resets another's password in the
browser, so an admin cannot set a password they know and sign in as someone else.

Neither page tells a stranger which names exist:

- **sign-up** answers every attempt with a correct password pair the same way
  (:data:`SIGN_UP_ANSWER`), whether the name is unknown, the code wrong, expired or used, or the
  account made already; the password is checked first, so "too short" is said for every name
  alike; and one code hash is computed for a name without a code as for one with it;
- **sign-in** says :data:`SIGN_IN_REFUSED` for an unknown name, a wrong password, an account not
  approved or one locked after repeated failures (NativeAuthenticator said "has not been
  authorized" to whoever knew an unapproved account's name and password), and checks a password
  hash for an unknown name too.

Nobody is the hub's admin, so ``/hub/authorize`` and the admin's password change refuse
everyone; ``epa users remove`` withdraws a role, and that name can then neither sign up nor sign
in.
"""

from __future__ import annotations

from pathlib import Path

import bcrypt
from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import LoginHandler, SignUpHandler
from tornado import web
from traitlets import Unicode

from epa_kernel.store.database import Database
from epa_kernel.store.user_codes import redeem_signup_code
from epa_kernel.store.users import get_user

#: The kit's page templates for the hub (its sign-up page): ``c.JupyterHub.template_paths``.
TEMPLATES = Path(__file__).with_name("hub_templates")
SIGN_UP_ANSWER = (
    "If the name and code are right, your account is ready: sign in. "
    "Otherwise ask your administrator for a new code."
)
SIGN_IN_REFUSED = "Invalid username or password."
LONGEST_CODE = 40  # a code is 14 characters; more is not a code, and not worth hashing
# bcrypt of a password nobody has: checked for a name without an account, so that refusing it
# takes as long as refusing a wrong password.
NOBODY = bcrypt.hashpw(b"no account has this password", bcrypt.gensalt())


class KitAuthenticator(NativeAuthenticator):
    """NativeAuthenticator for the names the store gives a role, each signing up with its code."""

    store_url = Unicode(config=True, help="The kit's store: its users, roles and sign-up codes.")

    _store = None

    @property
    def store(self) -> Database:
        if self._store is None:
            self._store = Database(self.store_url)
        return self._store

    def validate_username(self, username):
        return super().validate_username(username) and get_user(self.store, username) is not None

    def password_problem(self, password: str, confirmation: str) -> str | None:
        """What is wrong with the password pair, said alike for every name; None when fine."""
        if password != confirmation:
            return "Your password did not match the confirmation. Please try again."
        if not self.is_password_strong(password):
            return (
                f"Choose a password of at least {self.minimum_password_length} characters "
                "that is not a common one."
            )
        return None

    def sign_up_with_code(self, username: str, password: str, code: str) -> bool:
        """Create ``username``'s account, approved, when ``code`` is their unused code, or give
        an account made already this new password; False (and nothing changed) otherwise. The
        code is hashed whatever the name."""
        username = self.normalize_username(username)
        if not redeem_signup_code(self.store, username, code[:LONGEST_CODE]):
            return False
        if self.user_exists(username):
            self.change_password(username, password)
            self.log.info("%s set a new password with a new sign-up code", username)
            return True
        created = self.create_user(username, password, is_authorized=True)
        if created is None:  # should not happen: the name has a role, the password was checked
            self.log.error("sign-up code used but no account created for %s", username)
        else:
            self.log.info("%s signed up with their sign-up code", username)
        return created is not None

    async def authenticate(self, handler, data):
        if self.get_user(data["username"]) is None:
            bcrypt.checkpw(data["password"].encode(), NOBODY)  # as long as a wrong password
            return None
        return await super().authenticate(handler, data)

    def get_handlers(self, app):
        kit = {"/signup": KitSignUpHandler, "/login": KitLoginHandler}
        return [(path, kit.get(path, handler)) for path, handler in super().get_handlers(app)]


class KitSignUpHandler(SignUpHandler):
    """``/hub/signup``: an account for a name with its code, one answer for every other case."""

    async def post(self):
        if not self.authenticator.enable_signup:
            raise web.HTTPError(404)
        argument = self.get_body_argument
        problem = self.authenticator.password_problem(
            argument("signup_password", "", strip=False),
            argument("signup_password_confirmation", "", strip=False),
        )
        if problem is None:
            self.authenticator.sign_up_with_code(
                argument("username", "", strip=True),
                argument("signup_password", "", strip=False),
                argument("signup_code", "", strip=True),
            )
        html = await self.render_template(
            "signup.html",
            ask_email=self.authenticator.ask_email_on_signup,
            result_message=problem or SIGN_UP_ANSWER,
            alert="alert-danger" if problem else "alert-info",
            two_factor_auth=self.authenticator.allow_2fa,
            recaptcha_key=self.authenticator.recaptcha_key,
            tos=self.authenticator.tos,
        )
        self.finish(html)


class KitLoginHandler(LoginHandler):
    """``/hub/login``: one refusal for every reason (JupyterHub's own sign-in, NativeAuthenticator's
    page)."""

    async def post(self):
        data = {
            arg: self.get_argument(arg, strip=arg == "username")
            for arg in self.request.body_arguments
            if arg != "_xsrf"
        }
        data.setdefault("username", "")
        data.setdefault("password", "")
        user = await self.login_user(data)
        if user:
            self._jupyterhub_user = user
            self.redirect(self.get_next_url(user))
            return
        self.set_status(403)
        self.finish(await self._render(login_error=SIGN_IN_REFUSED, username=""))
