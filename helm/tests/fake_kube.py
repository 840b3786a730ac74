"""A minimal in-memory stand-in for the Kubernetes API server, on loopback.

helm-sdkpy exposes Helm's `lint` (which reports *that* a values file breaks
the schema, but not *why*: its errors serialise to `{}`) and `install`, but no
`template`. `install` against this stand-in runs the real Helm engine end to
end -- schema validation with Helm's own messages, rendering, hooks -- and
returns the release with its rendered manifest and hooks, which the tests then
check with kubernetes-validate.

It serves just what Helm 4 asks for: /version, discovery for the kinds the
chart renders, an empty OpenAPI v2 document (so client-side validation is
skipped: kubernetes-validate does that job), create/get/delete of objects, and
a watch that reports hook Jobs as complete.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CORE = {
    "pods": "Pod",
    "services": "Service",
    "serviceaccounts": "ServiceAccount",
    "secrets": "Secret",
    "configmaps": "ConfigMap",
    "persistentvolumeclaims": "PersistentVolumeClaim",
}
GROUPS = {
    ("apps", "v1"): {"deployments": "Deployment", "statefulsets": "StatefulSet"},
    ("batch", "v1"): {"jobs": "Job"},
    ("policy", "v1"): {"poddisruptionbudgets": "PodDisruptionBudget"},
    ("autoscaling", "v2"): {"horizontalpodautoscalers": "HorizontalPodAutoscaler"},
    ("networking.k8s.io", "v1"): {"networkpolicies": "NetworkPolicy"},
}
VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


def _resource_list(group_version: str, resources: dict[str, str]) -> dict:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": [
            {"name": plural, "singularName": kind.lower(), "namespaced": True, "kind": kind, "verbs": VERBS}
            for plural, kind in resources.items()
        ],
    }


class FakeKube:
    """Start with `with FakeKube() as kube:`; `kube.kubeconfig` is a YAML string."""

    def __init__(self) -> None:
        self.objects: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(self, code: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, code: int, obj: dict) -> None:
                self._send(code, json.dumps(obj).encode())

            def _not_found(self) -> None:
                self._json(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                 "reason": "NotFound", "code": 404, "message": "not found"})

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self):  # noqa: N802
                url = urllib.parse.urlparse(self.path)
                path, query = url.path, urllib.parse.parse_qs(url.query)
                if path == "/version":
                    return self._json(200, {"major": "1", "minor": "33", "gitVersion": "v1.33.0",
                                            "platform": "linux/amd64"})
                if path == "/openapi/v2":
                    # An OpenAPI v2 document with no definitions (protobuf: swagger = "2.0").
                    return self._send(200, b"\x0a\x032.0",
                                      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
                if path == "/api":
                    return self._json(200, {"kind": "APIVersions", "versions": ["v1"],
                                            "serverAddressByClientCIDRs": []})
                if path == "/api/v1":
                    return self._json(200, _resource_list("v1", CORE))
                if path == "/apis":
                    return self._json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                        {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                         "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}}
                        for (g, v) in GROUPS]})
                parts = path.strip("/").split("/")
                if len(parts) == 3 and parts[0] == "apis" and (parts[1], parts[2]) in GROUPS:
                    return self._json(200, _resource_list(f"{parts[1]}/{parts[2]}", GROUPS[(parts[1], parts[2])]))
                if "watch" in query:
                    # Initial events, then the bookmark that ends them (watch-list).
                    with fake.lock:
                        objs = [o for k, o in fake.objects.items() if k.rsplit("/", 1)[0] == path]
                    events = [{"type": "ADDED", "object": o} for o in objs]
                    plural = parts[-1]
                    kind, api_version = CORE.get(plural), "v1"
                    for (g, v), resources in GROUPS.items():
                        if plural in resources and parts[1] == g:
                            kind, api_version = resources[plural], f"{g}/{v}"
                    events.append({"type": "BOOKMARK", "object": {
                        "kind": kind, "apiVersion": api_version,
                        "metadata": {"resourceVersion": "1",
                                     "annotations": {"k8s.io/initial-events-end": "true"}}}})
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for event in events:
                        line = json.dumps(event).encode() + b"\n"
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                    self.wfile.flush()
                    # Keep the watch open (no further events) until Helm is done.
                    fake.stopping.wait(30)
                    self.close_connection = True
                    return
                with fake.lock:
                    if path in fake.objects:
                        return self._json(200, fake.objects[path])
                    if parts[-1] in CORE or any(parts[-1] in r for r in GROUPS.values()):
                        items = [o for k, o in fake.objects.items() if k.rsplit("/", 1)[0] == path]
                        return self._json(200, {"kind": "List", "apiVersion": "v1",
                                                "metadata": {"resourceVersion": "1"}, "items": items})
                return self._not_found()

            def do_POST(self):  # noqa: N802
                path = urllib.parse.urlparse(self.path).path
                obj = json.loads(self._body() or b"{}")
                meta = obj.setdefault("metadata", {})
                meta.update({"uid": "uid-" + meta.get("name", ""), "resourceVersion": "1"})
                if obj.get("kind") == "Job":  # hooks: report the Job as done
                    obj["status"] = {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]}
                with fake.lock:
                    fake.objects[path + "/" + meta.get("name", "")] = obj
                self._json(201, obj)

            def do_PUT(self):  # noqa: N802
                self.do_POST()

            def do_PATCH(self):  # noqa: N802
                self._body()
                self._not_found()

            def do_DELETE(self):  # noqa: N802
                self._body()
                path = urllib.parse.urlparse(self.path).path
                with fake.lock:
                    obj = fake.objects.pop(path, None)
                if obj is None:
                    return self._not_found()
                self._json(200, obj)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def kubeconfig(self) -> str:
        port = self.server.server_address[1]
        return f"""apiVersion: v1
kind: Config
clusters:
  - name: fake
    cluster:
      server: http://127.0.0.1:{port}
contexts:
  - name: fake
    context: {{cluster: fake, user: fake, namespace: tollgate}}
current-context: fake
users:
  - name: fake
    user: {{token: not-a-secret}}
"""

    def __enter__(self) -> "FakeKube":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
