from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class CoopLanguageMiddleware:
    """Thai unless the user chose English with the switch in the top bar.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would put an
    officer on an English-configured PC into English without asking; here only the
    language cookie (set by the switch) changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreForLoggedInMiddleware:
    """``Cache-Control: no-store`` on every response to a logged-in user.

    Every page behind a login may show a member's data (names, national IDs, balances); the rule
    "all authenticated pages" needs no list of views to keep in step, so nothing stays in a shared
    PC's browser cache or a proxy after the officer logs out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
