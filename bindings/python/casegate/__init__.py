"""casegate for Python: the engine through its C ABI (libcasegate.so.0), with ctypes.

    import casegate
    with casegate.open("cases.db") as engine:
        engine.init("admin")
        engine.user_add("admin", "sw.jones", role="social_worker", team="north")
        case = engine.open_case("sw.jones", "child_protection", subject="CHILD-0042")["case"]
        try:
            engine.fire("sw.jones", case, "refer_to_strategy")
        except casegate.Refused as refused:
            print(refused.missing)   # [{"task": "referral_decision", ...}]

Every command is also reachable as ``execute(as_user, request_dict)``, the command protocol of
docs/embedding.md. ctypes, not pybind11: the C ABI is already the stable boundary for .NET and
Java, so Python goes through the same five functions and needs no compiler or build of its own.
"""

import ctypes
import json
import os

__all__ = ["open", "Engine", "CasegateError", "Internal", "Invalid", "Refused", "NotFound", "Conflict",
           "IntegrityError", "library_version"]


class CasegateError(Exception):
    """A command that did not succeed. ``code`` is the outcome code (1..6), ``response`` the JSON
    the engine answered with."""

    def __init__(self, code, message, response=None):
        super().__init__(message)
        self.code = code
        self.response = response if response is not None else {}


class Internal(CasegateError):
    """Code 1: a bug or an environment failure (I/O error, disk full)."""


class Invalid(CasegateError):
    """Code 2: malformed or inconsistent input."""


class Refused(CasegateError):
    """Code 3: refused or denied. ``missing`` lists what a gate lacked (empty otherwise)."""

    @property
    def missing(self):
        return self.response.get("missing", [])


class Denied(Refused):
    """Code 3, outcome ``denied``: no relationship with the case, an expired break-glass grant,
    or an inactive user. Its message names nothing of the case but its id."""


class NotFound(CasegateError):
    """Code 4: an unknown case or user."""


class Conflict(CasegateError):
    """Code 5: a stale expected version, or the database busy past its timeout."""


class IntegrityError(CasegateError):
    """Code 6: the audit chain does not verify, or the database is from a newer casegate."""


_ERRORS = {1: Internal, 2: Invalid, 3: Refused, 4: NotFound, 5: Conflict, 6: IntegrityError}


def _load_library():
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("CASEGATE_LIBRARY"), os.path.join(here, "libcasegate.so.0"), "libcasegate.so.0"]
    last_error = None
    for path in candidates:
        if not path:
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as error:
            last_error = error
            continue
        lib.casegate_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                      ctypes.POINTER(ctypes.c_void_p)]
        lib.casegate_open.restype = ctypes.c_int
        lib.casegate_execute.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                         ctypes.POINTER(ctypes.c_void_p)]
        lib.casegate_execute.restype = ctypes.c_int
        lib.casegate_free.argtypes = [ctypes.c_void_p]
        lib.casegate_free.restype = None
        lib.casegate_close.argtypes = [ctypes.c_void_p]
        lib.casegate_close.restype = None
        lib.casegate_version.argtypes = []
        lib.casegate_version.restype = ctypes.c_char_p
        return lib
    raise ImportError("casegate: cannot load libcasegate.so.0 (set CASEGATE_LIBRARY): %s" % last_error)


_lib = _load_library()


def _take_string(pointer):
    """The text of a string the library allocated, which is then freed."""
    if not pointer.value:
        return None
    try:
        return ctypes.string_at(pointer.value).decode("utf-8")
    finally:
        _lib.casegate_free(pointer.value)


def library_version():
    """The version of the loaded libcasegate, e.g. "0.1.0"."""
    return _lib.casegate_version().decode("ascii")


class Engine:
    """An open casegate database. Safe to share between threads. Close it (or use ``with``)."""

    def __init__(self, path, synchronous=None, busy_timeout_ms=None, wal_checkpoint_in_background=None):
        self._handle = None  # set before anything can fail: __del__ reads it
        options = {}
        if synchronous is not None:
            options["synchronous"] = synchronous
        if busy_timeout_ms is not None:
            options["busy_timeout_ms"] = busy_timeout_ms
        if wal_checkpoint_in_background is not None:
            options["wal_checkpoint_in_background"] = wal_checkpoint_in_background
        handle, error = ctypes.c_void_p(), ctypes.c_void_p()
        code = _lib.casegate_open(os.fsencode(path), json.dumps(options).encode() if options else None,
                                  ctypes.byref(handle), ctypes.byref(error))
        if code != 0:
            raise _ERRORS.get(code, CasegateError)(code, _take_string(error) or "cannot open %s" % path)
        self._handle = handle
        self._path = path

    def close(self):
        """Closes the database; the engine cannot be used afterwards."""
        if self._handle:
            _lib.casegate_close(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        self.close()

    def execute(self, as_user, request):
        """Runs one protocol request (a dict with "command") as ``as_user``; returns the response.
        Raises the CasegateError subclass of the outcome code, carrying the response."""
        if not self._handle:
            raise Invalid(2, "the engine is closed")
        response = ctypes.c_void_p()
        code = _lib.casegate_execute(self._handle, as_user.encode("utf-8"),
                                     json.dumps(request, ensure_ascii=False).encode("utf-8"), ctypes.byref(response))
        body = json.loads(_take_string(response) or "{}")
        if code == 0:
            return body
        error = body.get("error", {})
        message = error.get("message") or body.get("message") or body.get("problem") or "outcome %d" % code
        kind = Denied if error.get("code") == "denied" else _ERRORS.get(code, CasegateError)
        raise kind(code, message, body)

    # The commands, by name: each builds the protocol request and returns the response.
    def init(self, admin="admin", name=None):
        """Creates the first user, an admin (run as that admin)."""
        return self.execute(admin, _request("init", admin=admin, name=name))

    def user_add(self, as_user, user, role, team=None, name=None):
        """Adds a user (admins only)."""
        return self.execute(as_user, _request("user add", user=user, role=role, team=team, name=name))

    def user_list(self, as_user):
        return self.execute(as_user, _request("user list"))

    def open_case(self, as_user, workflow, subject, team=None, received_at=None, attributes=None,
                  workflow_version=None):
        """Opens a case; the response holds its id as "case"."""
        return self.execute(as_user, _request("open", workflow=workflow, subject=subject, team=team,
                                              received_at=received_at, attr=attributes,
                                              workflow_version=workflow_version))

    def record(self, as_user, case, kind, data, occurred_at=None):
        """Records a task; ``data`` is the payload as a dict."""
        return self.execute(as_user, _request("record", case=case, kind=kind, data=data, occurred_at=occurred_at))

    def fire(self, as_user, case, event, override=False, reason=None, expect_version=None):
        """Asks for the case to move on. A refusal raises Refused with ``missing``."""
        return self.execute(as_user, _request("fire", case=case, event=event, override=override or None,
                                              reason=reason, expect_version=expect_version))

    def status(self, as_user, case, as_of=None):
        return self.execute(as_user, _request("status", case=case, as_of=as_of))

    def history(self, as_user, case):
        return self.execute(as_user, _request("history", case=case))

    def cases(self, as_user, team=None, state=None, workflow=None, mine=False, overdue=False, limit=None,
              after=None):
        """One page of the cases the user may see: {"cases": [...], "next": id or None}."""
        return self.execute(as_user, _request("cases", team=team, state=state, workflow=workflow, mine=mine or None,
                                              overdue=overdue or None, limit=limit, after=after))

    def allocate(self, as_user, case, user):
        """Allocates a case to a worker of its team (a team manager of that team)."""
        return self.execute(as_user, _request("allocate", case=case, user=user))

    def transfer(self, as_user, case, team):
        """Moves a case, with its clocks, to another team (a team manager of the owning team)."""
        return self.execute(as_user, _request("transfer", case=case, team=team))

    def access(self, as_user, case, reason, hours=None):
        """Break-glass: the user's role's rights on a case outside their relationships, for a reason."""
        return self.execute(as_user, _request("access", case=case, reason=reason, hours=hours))

    def access_review(self, as_user, grant, note):
        """A team manager of the owning team records their review of a break-glass grant."""
        return self.execute(as_user, _request("access review", grant=grant, note=note))

    def verify(self, as_user="admin"):
        """Recomputes the audit chain; raises IntegrityError when it does not verify."""
        return self.execute(as_user, _request("verify"))


def _request(command, **fields):
    request = {"command": command}
    request.update({key: value for key, value in fields.items() if value is not None})
    return request


def open(path, synchronous=None, busy_timeout_ms=None,  # noqa: A001 - the module's one opener
         wal_checkpoint_in_background=None):
    """Opens (creating and migrating) the database at ``path``, or ":memory:".

    ``wal_checkpoint_in_background=False`` copies the write-ahead log in the committing thread, as
    SQLite does by itself, instead of on a thread of the store's own."""
    return Engine(path, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms,
                  wal_checkpoint_in_background=wal_checkpoint_in_background)
