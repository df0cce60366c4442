"""Every error zdr raises itself, and how each one looks on the wire.

    ZdrError                      500 server_error
    +-- ConfigError               invalid or missing configuration (startup, CLI)
    +-- BadRequest                400 invalid_request_error
    |   +-- InvalidJSON           400  body is not valid JSON / not UTF-8
    |   +-- UnsupportedMediaType  415  body type the gateway cannot inspect
    |   +-- BodyTooLarge          413  body over server.max_body_bytes
    |   +-- AmbiguousRequest      400  a request with two readings (path, headers, keys)
    |   +-- MalformedForm         400  a multipart body zdr cannot read one way only
    +-- AuthenticationFailed      401  missing, unknown or revoked virtual key
    +-- TooManyAuthFailures       429  too many wrong keys from one client address
    +-- RouteNotFound             404  path outside the proxied API
    +-- PolicyRefusal             403  the key's policy refuses the request
    |   +-- EndpointNotAllowed    403  endpoint retains data / not in the allow-list
    |   +-- FeatureNotAllowed     400  a parameter or feature retains data
    +-- DetectionFailed           500  a detector failed: the request is refused (fail closed)
    +-- UpstreamError             502  the upstream could not answer
    |   +-- UpstreamUnavailable   502  connection refused, reset, DNS failure
    |   +-- UpstreamTimeout       504  connect or read timeout
    |   +-- UpstreamAuthFailed    502  the upstream refused the *gateway's* credentials
    |   +-- UpstreamAnswerTooLarge 502 an answer or event over the configured bounds
    +-- AuditError                503  the audit store cannot record and policy says refuse
    +-- ShuttingDown              503  the gateway stopped before the answer was complete

Messages name the field, endpoint, rule or detector involved, never a value taken
from request or response content. Each class carries the HTTP status and the
OpenAI error ``type``/``code`` it renders as, so one function renders them all.
"""

from __future__ import annotations

from typing import Any, ClassVar

import orjson


class ZdrError(Exception):
    status: ClassVar[int] = 500
    type: ClassVar[str] = "server_error"
    code: ClassVar[str | None] = None

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.param = param
        self.instance_code = code

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.instance_code or self.code,
            }
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.body())


class ConfigError(ZdrError):
    code = "config_error"


class BadRequest(ZdrError):
    status = 400
    type = "invalid_request_error"


class InvalidJSON(BadRequest):
    code = "invalid_json"


class UnsupportedMediaType(BadRequest):
    status = 415
    code = "unsupported_media_type"


class BodyTooLarge(BadRequest):
    status = 413
    code = "request_too_large"


class AmbiguousRequest(BadRequest):
    code = "zdr_ambiguous_request"


class MalformedForm(BadRequest):
    code = "invalid_multipart"


class AuthenticationFailed(ZdrError):
    status = 401
    type = "invalid_request_error"
    code = "invalid_api_key"


class TooManyAuthFailures(ZdrError):
    status = 429
    type = "invalid_request_error"
    code = "zdr_too_many_auth_failures"


class RouteNotFound(ZdrError):
    status = 404
    type = "invalid_request_error"
    code = "unknown_url"


class PolicyRefusal(ZdrError):
    status = 403
    type = "zdr_policy_error"
    code = "zdr_refused"

    def __init__(self, message: str, *, rule: str, param: str | None = None):
        super().__init__(message, param=param, code=None)
        self.rule = rule


class EndpointNotAllowed(PolicyRefusal):
    status = 403
    code = "zdr_endpoint_not_allowed"


class FeatureNotAllowed(PolicyRefusal):
    status = 400
    code = "zdr_feature_not_allowed"


class DetectionFailed(ZdrError):
    code = "zdr_detection_failed"


class UpstreamError(ZdrError):
    status = 502
    type = "upstream_error"
    code = "upstream_error"


class UpstreamUnavailable(UpstreamError):
    code = "upstream_unavailable"


class UpstreamTimeout(UpstreamError):
    status = 504
    code = "upstream_timeout"


class UpstreamAuthFailed(UpstreamError):
    code = "upstream_auth_failed"


class UpstreamAnswerTooLarge(UpstreamError):
    code = "upstream_answer_too_large"


class AuditError(ZdrError):
    status = 503
    code = "zdr_audit_unavailable"


class ShuttingDown(ZdrError):
    status = 503
    code = "zdr_shutting_down"


INTERNAL_ERROR = ZdrError("The gateway failed to handle this request.")
