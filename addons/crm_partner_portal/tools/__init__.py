from . import safe_http
