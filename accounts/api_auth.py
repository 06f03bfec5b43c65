"""How the integration API knows and limits its callers, kept apart from the API's views (DRF
reads these classes from the settings while its views load): token authentication of system
accounts, the per-account rate limit, pagination."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import UserRateThrottle

from accounts.tokens import api_token_account


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <key>``: the request is the system account's, with its rights."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is unknown or has been revoked.")) from None
        account = api_token_account(key)
        if account is None:
            raise exceptions.AuthenticationFailed(_("The token is unknown or has been revoked."))
        return account, None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class AccountRateThrottle(UserRateThrottle):
    """At most API_REQUESTS_PER_MINUTE requests a minute per account, counted in the cache
    (Redis in production, shared by every web process)."""

    scope = "account"

    def get_rate(self):
        return f"{settings.API_REQUESTS_PER_MINUTE}/min"


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
