"""A stand-in for the Mailchimp Marketing API on 127.0.0.1, driven by the real client.

It serves the endpoints a weekly send uses, requires Basic auth with the right
key, validates every request body (and query) against the OpenAPI subset in
tests/data/ (copied from shared/mailchimp/; strictly: a field the schema does not
name is refused too, so a typo cannot pass), keeps campaign state, enforces what
Mailchimp enforces (quarter-hour schedule times in the future, *|UNSUB|* before a
send or schedule, nothing changes once scheduled or sent) and injects faults into
the next N calls of an endpoint: a status (with a problem body or none at all), a
late reply (the work is done, the reply comes after the client's timeout) or a
dropped connection (before or after the work).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as dt
import itertools
import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema

SPEC = Path(__file__).parent / "data" / "mailchimp-openapi-subset.json"
KEY = "0123456789abcdef0123456789abcdef-us21"
LIST_ID = "a1b2c3d4e5"
UNSUB = "*|UNSUB|*"


def _strict(node):
    """The spec with unnamed fields refused and x-oneOf (segment conditions) enforced."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {("anyOf" if key == "x-oneOf" else key): _strict(value) for key, value in node.items()}
    if "properties" in result and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


class Spec:
    """Request schemas and query parameters per endpoint ("POST /campaigns")."""

    def __init__(self, path: Path = SPEC):
        document = json.loads(path.read_text())
        self.components = _strict(document["components"])
        self.operations = {}
        for template, methods in document["paths"].items():
            for method, operation in methods.items():
                body = operation.get("requestBody")
                schema = body["content"]["application/json"]["schema"] if body else None
                params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
                self.operations[f"{method.upper()} {template}"] = (schema, params)

    def problems(self, endpoint: str, body, query: dict) -> list[dict]:
        """Mailchimp-style field errors; empty when the request is valid."""
        schema, params = self.operations[endpoint]
        errors = [
            {"field": name, "message": "This query parameter is not allowed."}
            for name in query
            if name not in params
        ]
        if schema is None:
            if body is not None:
                errors.append({"field": "", "message": "This endpoint takes no body."})
            return errors
        if body is None:
            return [
                *errors,
                {"field": "", "message": "Schema describes object, NULL found instead"},
            ]
        validator = jsonschema.Draft4Validator({**schema, "components": self.components})
        for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
            field = ".".join(str(part) for part in error.absolute_path)
            errors.append({"field": field, "message": error.message})
        return errors


ROUTES = [
    ("GET", r"/lists/(?P<listId>[^/]+)", "/lists/{listId}"),
    ("GET", r"/campaigns", "/campaigns"),
    ("POST", r"/campaigns", "/campaigns"),
    ("GET", r"/campaigns/(?P<campaignId>[^/]+)", "/campaigns/{campaignId}"),
    ("PATCH", r"/campaigns/(?P<campaignId>[^/]+)", "/campaigns/{campaignId}"),
    ("PUT", r"/campaigns/(?P<campaignId>[^/]+)/content", "/campaigns/{campaignId}/content"),
    ("GET", r"/campaigns/(?P<campaignId>[^/]+)/content", "/campaigns/{campaignId}/content"),
    (
        "GET",
        r"/campaigns/(?P<campaignId>[^/]+)/send-checklist",
        "/campaigns/{campaignId}/send-checklist",
    ),
    *[
        ("POST", rf"/campaigns/(?P<campaignId>[^/]+)/actions/{action}", f"/campaigns/{{campaignId}}/actions/{action}")
        for action in ("test", "schedule", "unschedule", "send")
    ],
]  # fmt: skip


@dataclass
class Fault:
    """What goes wrong on the next `times` calls of one endpoint."""

    times: int = 1
    status: int | None = None
    body: str | None = "problem"  # "problem", None (empty) or a literal body
    delay: float = 0.0  # the work is done, the reply is late
    drop: bool = False  # the connection closes with no reply
    processed: bool = False  # for drop: after the work is done


class ProblemReply(Exception):
    def __init__(self, status: int, title: str, detail: str, errors: list | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class FakeMailchimp:
    """The fake API. Use as a context manager; `env` points the real client at it."""

    def __init__(self, key: str = KEY, lists: dict | None = None):
        self.key = key
        self.lists = lists or {LIST_ID: {"name": "Service Sage readers", "interests": {}}}
        self.spec = Spec()
        self.campaigns: dict[str, dict] = {}
        self.log: list[dict] = []  # every request: method, endpoint, body, auth
        self.faults: dict[str, list[Fault]] = {}
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # Test-facing -----------------------------------------------------------

    def __enter__(self) -> FakeMailchimp:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/3.0"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a send against this server, with tiny retry waits."""
        return {
            "MAILCHIMP_API_KEY": self.key,
            "MAILCHIMP_LIST_ID": next(iter(self.lists)),
            "MAILCHIMP_API_ROOT": self.root,
            "MAILCHIMP_RETRY_DELAY": "0.001",
            "MAILCHIMP_TIMEOUT": "5",
            **extra,
        }

    def fail(self, endpoint: str, **fault) -> None:
        """Inject a fault into the next calls of `endpoint`, e.g. "POST /campaigns"."""
        assert endpoint in self.spec.operations, endpoint
        self.faults.setdefault(endpoint, []).append(Fault(**fault))

    def calls(self, endpoint: str | None = None) -> list[str]:
        return [entry["endpoint"] for entry in self.log if endpoint in (None, entry["endpoint"])]

    def changes(self) -> list[str]:
        """The calls that could have changed something (anything but GET)."""
        return [e for e in self.calls() if not e.startswith("GET ")]

    def titled(self, title: str) -> list[dict]:
        return [c for c in self.campaigns.values() if c["settings"].get("title") == title]

    # Serving ---------------------------------------------------------------

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.handle(self)

            do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        return Handler

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlsplit(request.path)
        path = re.sub(r"^.*?/3\.0", "", url.path).rstrip("/") or "/"
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        route = self._route(request.command, path)
        if route is None:
            return self._reply(request, 404, _problem(404, "Resource Not Found", f"No {path}"))
        endpoint, params = route
        entry = {"endpoint": endpoint, "raw": raw, "auth": request.headers.get("Authorization")}
        with self.lock:
            self.log.append(entry)
            fault = self._take_fault(endpoint)
        if fault and fault.status:
            body = fault.body
            if body == "problem":
                body = _problem(fault.status, "Injected fault", "A fault injected by the test.")
            return self._reply(request, fault.status, body)
        if fault and fault.drop and not fault.processed:
            return _drop(request)
        status, payload = self._process(request, endpoint, params, url.query, raw)
        if fault and fault.drop:
            return _drop(request)
        if fault and fault.delay:
            time.sleep(fault.delay)
        self._reply(request, status, payload)

    def _route(self, method: str, path: str):
        for route_method, pattern, template in ROUTES:
            match = re.fullmatch(pattern, path)
            if route_method == method and match:
                return f"{method} {template}", match.groupdict()
        return None

    def _take_fault(self, endpoint: str) -> Fault | None:
        queue = self.faults.get(endpoint) or []
        if not queue:
            return None
        fault = copy.copy(queue[0])
        queue[0].times -= 1
        if queue[0].times <= 0:
            queue.pop(0)
        return fault

    def _process(self, request, endpoint: str, params: dict, query: str, raw: bytes):
        try:
            if not self._authorized(request.headers.get("Authorization", "")):
                raise ProblemReply(
                    401,
                    "API Key Invalid",
                    "Your API key may be invalid, or you've attempted to access the wrong "
                    "datacenter.",
                )
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                raise ProblemReply(400, "JSON Parse Error", "We encountered an unspecified JSON parsing error.") from None  # fmt: skip
            arguments = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
            errors = self.spec.problems(endpoint, body, arguments)
            if errors:
                raise ProblemReply(
                    400,
                    "Invalid Resource",
                    "The resource submitted could not be validated. For field-specific "
                    "details, see the 'errors' array.",
                    errors,
                )
            with self.lock:
                return self._act(endpoint, params, arguments, body)
        except ProblemReply as problem:
            return problem.status, _problem(
                problem.status, problem.title, problem.detail, problem.errors
            )

    def _authorized(self, header: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            _, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return password == self.key

    # The API's behaviour -----------------------------------------------------

    def _act(self, endpoint: str, params: dict, query: dict, body):
        template = endpoint.split(" ", 1)[1]
        if template == "/lists/{listId}":
            found = self.lists.get(params["listId"])
            if not found:
                raise ProblemReply(404, "Resource Not Found", "The requested resource could not be found.")  # fmt: skip
            return 200, {"id": params["listId"], "name": found["name"]}
        if endpoint == "GET /campaigns":
            return 200, self._list(query)
        if endpoint == "POST /campaigns":
            return 200, self._public(self._create(body))
        campaign = self.campaigns.get(params["campaignId"])
        if campaign is None:
            raise ProblemReply(404, "Resource Not Found", "The requested resource could not be found.")  # fmt: skip
        handler = {
            "GET /campaigns/{campaignId}": lambda: (200, self._public(campaign)),
            "PATCH /campaigns/{campaignId}": lambda: self._update(campaign, body),
            "PUT /campaigns/{campaignId}/content": lambda: self._content(campaign, body),
            "GET /campaigns/{campaignId}/content": lambda: (200, campaign["content"]),
            "GET /campaigns/{campaignId}/send-checklist": lambda: (200, _checklist(campaign)),
            "POST /campaigns/{campaignId}/actions/test": lambda: self._test(campaign, body),
            "POST /campaigns/{campaignId}/actions/schedule": lambda: self._schedule(campaign, body),
            "POST /campaigns/{campaignId}/actions/unschedule": lambda: self._unschedule(campaign),
            "POST /campaigns/{campaignId}/actions/send": lambda: self._send(campaign),
        }[endpoint]
        return handler()

    def _list(self, query: dict) -> dict:
        found = list(self.campaigns.values())
        if "list_id" in query:
            found = [c for c in found if c["recipients"]["list_id"] == query["list_id"]]
        if "type" in query:
            found = [c for c in found if c["type"] == query["type"]]
        if "since_create_time" in query:
            since = dt.datetime.fromisoformat(query["since_create_time"])
            found = [c for c in found if dt.datetime.fromisoformat(c["create_time"]) >= since]
        found.sort(key=lambda c: c["create_time"], reverse=query.get("sort_dir") == "DESC")
        offset, count = int(query.get("offset", 0)), int(query.get("count", 10))
        page = found[offset : offset + count]
        return {"campaigns": [self._public(c) for c in page], "total_items": len(found)}

    def _check_recipients(self, recipients: dict) -> None:
        audience = self.lists.get(recipients["list_id"])
        if audience is None:
            raise ProblemReply(400, "Invalid Resource", "The resource submitted could not be validated.", [{"field": "recipients.list_id", "message": "This list does not exist."}])  # fmt: skip
        for condition in (recipients.get("segment_opts") or {}).get("conditions", []):
            category = condition.get("field", "").removeprefix("interests-")
            known = audience["interests"].get(category)
            if known is None or not set(condition.get("value", [])) <= set(known):
                raise ProblemReply(400, "Invalid Resource", "The segment is not valid.", [{"field": "recipients.segment_opts", "message": "Unknown interest category or interest."}])  # fmt: skip

    def _create(self, body: dict) -> dict:
        recipients = body.get("recipients")
        if not recipients:
            raise ProblemReply(400, "Invalid Resource", "The resource submitted could not be validated.", [{"field": "recipients", "message": "A list is required."}])  # fmt: skip
        self._check_recipients(recipients)
        campaign_id = f"c{next(self._ids):04d}"
        campaign = {
            "id": campaign_id,
            "type": body["type"],
            "create_time": _now().isoformat(),
            "status": "save",
            "send_time": "",
            "recipients": recipients,
            "settings": body.get("settings", {}),
            "content": {"html": "", "plain_text": ""},
            "tests": [],
            "sends": 0,
        }
        self.campaigns[campaign_id] = campaign
        return campaign

    @staticmethod
    def _public(campaign: dict) -> dict:
        return {k: v for k, v in campaign.items() if k not in ("content", "tests", "sends")}

    @staticmethod
    def _editable(campaign: dict) -> None:
        if campaign["status"] not in ("save", "paused"):
            raise ProblemReply(400, "Bad Request", f"This campaign is {campaign['status']} and cannot be changed.")  # fmt: skip

    def _update(self, campaign: dict, body: dict):
        self._editable(campaign)
        if "recipients" in body:
            self._check_recipients(body["recipients"])
            campaign["recipients"] = body["recipients"]
        campaign["settings"] = {**campaign["settings"], **body["settings"]}
        return 200, self._public(campaign)

    def _content(self, campaign: dict, body: dict):
        self._editable(campaign)
        campaign["content"] = {
            "html": body.get("html", ""),
            "plain_text": body.get("plain_text", ""),
        }
        return 200, campaign["content"]

    def _ready(self, campaign: dict) -> None:
        if not _checklist(campaign)["is_ready"]:
            raise ProblemReply(400, "Bad Request", "Your Campaign is not ready to send.")
        if UNSUB not in campaign["content"]["html"]:
            raise ProblemReply(400, "Bad Request", f"The content must contain {UNSUB}.")

    def _test(self, campaign: dict, body: dict):
        if not campaign["content"]["html"]:
            raise ProblemReply(400, "Bad Request", "The campaign has no content to test.")
        campaign["tests"].append(list(body["test_emails"]))
        return 204, None

    def _schedule(self, campaign: dict, body: dict):
        self._editable(campaign)
        self._ready(campaign)
        when = dt.datetime.fromisoformat(body["schedule_time"].replace("Z", "+00:00"))
        if when.tzinfo is None or when.second or when.microsecond or when.minute % 15:
            raise ProblemReply(400, "Invalid Resource", "The resource submitted could not be validated.", [{"field": "schedule_time", "message": "Campaigns may only be scheduled on the quarter-hour (:00, :15, :30, :45), in UTC."}])  # fmt: skip
        if when <= _now():
            raise ProblemReply(400, "Invalid Resource", "The resource submitted could not be validated.", [{"field": "schedule_time", "message": "The schedule time must be in the future."}])  # fmt: skip
        campaign.update(status="schedule", send_time=when.astimezone(dt.UTC).isoformat())
        return 204, None

    def _unschedule(self, campaign: dict):
        if campaign["status"] != "schedule":
            raise ProblemReply(400, "Bad Request", "This campaign is not scheduled.")
        campaign.update(status="save", send_time="")
        return 204, None

    def _send(self, campaign: dict):
        self._editable(campaign)
        self._ready(campaign)
        campaign.update(status="sent", send_time=_now().isoformat())
        campaign["sends"] += 1
        return 204, None

    # Replies -------------------------------------------------------------------

    @staticmethod
    def _reply(request, status: int, payload) -> None:
        if payload is None:
            data, kind = b"", None
        elif isinstance(payload, str):
            data, kind = payload.encode(), "application/problem+json"
        else:
            data = json.dumps(payload).encode()
            kind = (
                "application/problem+json" if status >= 400 else "application/json; charset=utf-8"
            )
        try:
            request.send_response(status)
            if kind:
                request.send_header("Content-Type", kind)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except OSError:
            pass  # the client gave up (a late reply after its timeout)


def _problem(status: int, title: str, detail: str, errors: list | None = None) -> dict:
    problem = {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "00000000-0000-0000-0000-000000000000",
    }
    if errors:
        problem["errors"] = errors
    return problem


def _checklist(campaign: dict) -> dict:
    items = []
    settings, content = campaign["settings"], campaign["content"]
    for key, heading in (("subject_line", "Subject line"), ("from_name", "From name"), ("reply_to", "Reply-to")):  # fmt: skip
        if not settings.get(key):
            items.append({"type": "error", "id": len(items), "heading": heading, "details": f"Add a {heading.lower()}."})  # fmt: skip
    if not content["html"]:
        items.append({"type": "error", "id": len(items), "heading": "Content", "details": "Add content."})  # fmt: skip
    elif UNSUB not in content["html"]:
        items.append({"type": "error", "id": len(items), "heading": "Unsubscribe link", "details": f"Add {UNSUB} to the footer."})  # fmt: skip
    return {"is_ready": not items, "items": items or [{"type": "success", "id": 0, "heading": "Ready", "details": ""}]}  # fmt: skip


def _drop(request) -> None:
    """Close the connection without a reply, as a broken network would."""
    request.close_connection = True
    with contextlib.suppress(OSError):
        request.connection.shutdown(socket.SHUT_RDWR)
