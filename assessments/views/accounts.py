from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import (
    url_has_allowed_host_and_scheme,
    urlencode,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import throttling
from ..forms import SignupForm


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up ends in "check your email" whether or not the address has an account already.

    A new address gets a link that activates the account and logs in; an address in use gets a
    mail saying so (with the login and password-reset links). The page never tells which.
    """
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or "assessments:dashboard")
    if request.method == "POST":
        limit, window = settings.CXP_SIGNUP_RATE_LIMIT
        key = f"signup-rate:{throttling.client_ip(request)}"
        if throttling.over_limit(key, limit=limit, window=window):
            return render(request, "registration/signup_rate_limited.html", status=429)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        existing = get_user_model().objects.filter(email__iexact=email).first()
        if existing is not None:
            _mail_existing_account(request, existing, email)
        else:
            user = form.save(commit=False)
            user.is_active = False
            user.save()
            _mail_activation(request, user, _safe_next(request))
        return redirect("assessments:signup_sent")
    return render(request, "registration/signup.html", {"form": form, "next": _safe_next(request)})


def _mail_activation(request: HttpRequest, user, next_url: str | None) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("assessments:activate", args=[uid, default_token_generator.make_token(user)])
    if next_url:
        path += "?" + urlencode({"next": next_url})
    send_mail(
        _("Confirm your CX Pillars account"),
        _(
            "Welcome to CX Pillars, %(user)s.\n\n"
            "Open this link to confirm your email address and start:\n%(url)s\n\n"
            "If you did not sign up, ignore this mail: no account is made without the link.\n"
        )
        % {"user": user.get_username(), "url": request.build_absolute_uri(path)},
        None,
        [user.email],
    )


def _mail_existing_account(request: HttpRequest, user, email: str) -> None:
    send_mail(
        _("You already have a CX Pillars account"),
        _(
            "Someone (perhaps you) tried to sign up to CX Pillars with this address, which "
            "already has an account (user name: %(user)s).\n\n"
            "Log in: %(login)s\nForgot your password? %(reset)s\n\n"
            "If it was not you, ignore this mail: nothing was changed.\n"
        )
        % {
            "user": user.get_username(),
            "login": request.build_absolute_uri(reverse("login")),
            "reset": request.build_absolute_uri(reverse("password_reset")),
        },
        None,
        [email],
    )


@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_sent.html")


@require_GET
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Activate the account from the mailed link and log in (the link works once)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode()[:20])
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        pk = None
    user = get_user_model().objects.filter(pk=pk, is_active=False).first() if pk else None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "registration/activation_invalid.html", status=400)
    user.is_active = True
    user.save(update_fields=["is_active"])
    login(request, user, backend="assessments.compiled_queries.UserBackend")  # as in settings
    return redirect(_safe_next(request) or "assessments:dashboard")
