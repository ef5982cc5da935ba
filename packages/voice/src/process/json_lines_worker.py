"""The half of json-lines-worker.ts's protocol that every Python worker of @klody/voice shares: one
JSON object per line on stdout (events and answers), one request per line on stdin until it closes.

Each worker finds this module from its own place under the package's `src/` (see how its .py adds
this folder to sys.path): the workers always run from there, on sources and from a built `dist/`
alike (package-script.ts). Import it before any engine library, so that the stdout swap below comes
first.
"""

import json
import sys

# The protocol owns the real stdout; anything a library prints goes to stderr instead of corrupting it.
protocol = sys.stdout
sys.stdout = sys.stderr


class RequestRefused(Exception):
    """A well-formed request the engine will not answer, with the error code the caller gets."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def emit(message):
    protocol.write(json.dumps(message, ensure_ascii=False) + "\n")
    protocol.flush()


def fatal(code, message):
    emit({"event": "fatal", "error": {"code": code, "message": message}})
    sys.exit(3)


def serve(read, answer):
    """Answers each request line on stdin until it closes. `read(request)` checks the decoded request
    and returns what `answer` needs, raising ValueError, KeyError or TypeError for a bad one
    (`invalid_options`); `answer(options)` returns the result, raising RequestRefused for its own code,
    anything else being the engine's failure (`engine_failed`). Every answer carries the request's id."""
    for line in sys.stdin:
        if not line.strip():
            continue
        identifier = None
        try:
            request = json.loads(line)
            identifier = request.get("id")
            options = read(request)
        except (ValueError, KeyError, TypeError) as error:
            emit({"id": identifier, "error": {"code": "invalid_options", "message": f"bad request: {error}"}})
            continue
        try:
            emit({"id": identifier, "result": answer(options)})
        except RequestRefused as error:
            emit({"id": identifier, "error": {"code": error.code, "message": str(error)}})
        except Exception as error:
            emit({"id": identifier, "error": {"code": "engine_failed", "message": f"{type(error).__name__}: {error}"}})
