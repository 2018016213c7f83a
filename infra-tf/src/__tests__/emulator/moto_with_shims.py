"""
moto_server (moto 5.2.1) on a free loopback port, with shims for the API calls the Terraform AWS
provider makes that moto does not implement. Prints "PORT <n>" on stdout once listening; stops on
SIGTERM/SIGINT. Used by src/__tests__/terraform-moto.test.ts only.

    python3 moto_with_shims.py [--port 0]

Shims (moto gaps, each confirmed against moto 5.2.1's application-autoscaling responses.py):

1. Application Auto Scaling TagResource / UntagResource / ListTagsForResource are not implemented
   (moto answers them with an error, and the provider's read of aws_appautoscaling_target calls
   ListTagsForResource after every create). The shim keeps tags per ScalableTargetARN in memory:
   Tags given to RegisterScalableTarget are recorded from moto's answer (which carries the ARN),
   TagResource/UntagResource edit them, DeregisterScalableTarget drops them.
   Upstream: https://github.com/getmoto/moto/issues (application-autoscaling tagging not covered,
   see moto's IMPLEMENTATION_COVERAGE.md for "application-autoscaling").

2. CodeBuild DeleteProject: the provider keeps the project ARN as the resource id and deletes by
   `name=<ARN>` (AWS accepts a name or an ARN); moto's delete_project pops its dict by name only,
   so the project silently survives `terraform destroy`. The shim rewrites an ARN to the name
   (`arn:...:project/<name>` -> `<name>`) before moto sees the request.

Everything else is moto's own server app (moto.server.DomainDispatcherApplication), unchanged.
"""

import argparse
import io
import json
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

PREFIX = "AnyScaleFrontendService."
CODEBUILD_DELETE = "CodeBuild_20161006.DeleteProject"
_tags: dict[str, dict[str, str]] = {}
_lock = threading.Lock()


def _json_response(start_response, status: str, body: dict):
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(payload)))])
    return [payload]


def _read_body(environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    # Put the body back for moto, which reads it again.
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def make_app():
    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target == CODEBUILD_DELETE:
            request = json.loads(_read_body(environ) or b"{}")
            name = request.get("name", "")
            if name.startswith("arn:") and ":project/" in name:
                request["name"] = name.split(":project/", 1)[1]
                body = json.dumps(request).encode()
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
            return moto_app(environ, start_response)
        if not target.startswith(PREFIX):
            return moto_app(environ, start_response)
        action = target[len(PREFIX):]
        body = _read_body(environ)
        request = json.loads(body or b"{}")
        if action == "ListTagsForResource":
            with _lock:
                return _json_response(start_response, "200 OK", {"Tags": dict(_tags.get(request["ResourceARN"], {}))})
        if action == "TagResource":
            with _lock:
                _tags.setdefault(request["ResourceARN"], {}).update(request.get("Tags", {}))
            return _json_response(start_response, "200 OK", {})
        if action == "UntagResource":
            with _lock:
                for key in request.get("TagKeys", []):
                    _tags.get(request["ResourceARN"], {}).pop(key, None)
            return _json_response(start_response, "200 OK", {})
        if action == "RegisterScalableTarget" and request.get("Tags"):
            captured: dict = {}

            def capture_start(status, headers, exc_info=None):
                captured["status"] = status
                return start_response(status, headers, exc_info)

            chunks = list(moto_app(environ, capture_start))
            if captured.get("status", "").startswith("200"):
                arn = json.loads(b"".join(chunks) or b"{}").get("ScalableTargetARN")
                if arn:
                    with _lock:
                        _tags.setdefault(arn, {}).update(request["Tags"])
            return chunks
        return moto_app(environ, start_response)

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = make_server("127.0.0.1", args.port, make_app(), threaded=True)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
