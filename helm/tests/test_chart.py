"""Tests for the tollgate Helm chart, run by .ci/helm with the real Helm engine
(the helm-sdkpy wheel) -- no cluster, no network.

1. `helm lint` of the chart with each helm/tollgate/ci/*-values.yaml: no errors.
2. `helm install` of each against an in-memory API stand-in (fake_kube.py):
   Helm renders the manifests and hooks, which must validate against the
   Kubernetes schemas (kubernetes-validate, strict: unknown fields refused)
   and say what the chart promises (probes, security context, secrets as files).
3. An application chart (tests/app-chart) that includes the sidecar templates.
4. The trust boundary: standalone mode refuses to render without mutual TLS
   unless insecurePlaintext says so; the NetworkPolicy; `callers` rendered
   into a config.toml that parses back to exactly the values given.
5. Bad values: `helm lint` must fail on them, and Helm's schema error must
   name the offending field.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
import shutil
import sys
import tempfile
import tomllib
import traceback
from pathlib import Path

import yaml

# Releases live in memory, not in Secrets. Helm reads this when its library
# loads, from the process's initial environment: set it, then start again.
if os.environ.get("HELM_DRIVER") != "memory":
    os.environ["HELM_DRIVER"] = "memory"
    os.execv(sys.executable, [sys.executable, *sys.argv])

import helm_sdkpy  # noqa: E402
import kubernetes_validate  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from fake_kube import FakeKube  # noqa: E402

HERE = Path(__file__).resolve().parent
CHART = HERE.parent / "tollgate"
CI_VALUES = sorted((CHART / "ci").glob("*-values.yaml"))
APP_CHART = HERE / "app-chart"
# The oldest Kubernetes the chart claims (Chart.yaml kubeVersion allows older,
# but native sidecars need 1.29) and the newest kubernetes-validate knows.
K8S_VERSIONS = ["1.29", kubernetes_validate.latest_version()]
SOCKET = "/run/tollgate/tollgate.sock"
PROBE = ["/usr/local/bin/tollgate", "health", "--socket", SOCKET]
CONFIG = "/etc/tollgate/config/config.toml"
MUTUAL_TLS_REFUSED = "standalone mode listens on 0.0.0.0:50051 for the whole cluster network and needs mutual TLS"
ERROR = 3  # Helm lint severity

STATS = {"lint": 0, "install": 0, "manifests": 0, "rejected": 0}


# --------------------------------------------------------------------------- helpers

def merge(base: dict, override: dict) -> dict:
    """Helm's coalescing: maps merge deeply, a null deletes the key."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


def chart_copy_with_values(values: dict, workdir: Path) -> Path:
    """helm-sdkpy's Lint takes no values: lint a copy whose values.yaml holds
    the chart defaults merged with `values` (what `helm lint -f` checks)."""
    dest = workdir / "tollgate"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(CHART, dest)
    merged = merge(load_yaml(CHART / "values.yaml"), values)
    (dest / "values.yaml").write_text(yaml.safe_dump(merged, sort_keys=False))
    return dest


def lint(values: dict, workdir: Path) -> list[dict]:
    path = chart_copy_with_values(values, workdir)
    config = helm_sdkpy.Configuration(namespace="tollgate")
    result = asyncio.run(helm_sdkpy.Lint(config).run(str(path)))
    assert result.get("TotalChartsLinted") == 1, result
    STATS["lint"] += 1
    return result.get("Messages") or []


def install(chart: Path, values: dict, release: str = "tg") -> dict:
    """`helm install` against the in-memory API stand-in; returns the release."""
    with FakeKube() as kube:
        config = helm_sdkpy.Configuration(namespace="tollgate", kubeconfig=kube.kubeconfig)
        return asyncio.run(helm_sdkpy.Install(config).run(
            release, str(chart), values=values, wait=False, timeout=60))


def documents(release: dict) -> list[dict]:
    texts = [release.get("manifest") or ""] + [h.get("manifest", "") for h in release.get("hooks") or []]
    return [d for t in texts for d in yaml.safe_load_all(t) if d]


def validate_all(docs: list[dict]) -> None:
    for doc in docs:
        for version in K8S_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as e:
                raise AssertionError(f"{doc['kind']}/{doc['metadata']['name']} is not valid for "
                                     f"Kubernetes {version}: {e.message} at {list(e.path)}") from None
        STATS["manifests"] += 1


def by_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def env_of(container: dict) -> dict:
    return {e["name"]: e for e in container.get("env", [])}


def check_tollgate_container(c: dict, pod: dict) -> None:
    """What every tollgate container must look like, in either mode."""
    assert c["image"].startswith("ghcr.io/tollgate/tollgate"), c["image"]
    assert c["args"] == ["serve"], c["args"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert c[probe]["exec"]["command"] == PROBE, (probe, c[probe])
    sc = c["securityContext"]
    assert sc["runAsNonRoot"] is True and sc["runAsUser"] == 65532, sc
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False, sc
    assert sc["capabilities"]["drop"] == ["ALL"] and sc["seccompProfile"]["type"] == "RuntimeDefault", sc
    env = env_of(c)
    assert env["TOLLGATE_SOCKET"]["value"] == SOCKET
    assert env["TOLLGATE_SECRET_KEY_FILE"]["value"].startswith("/etc/tollgate/secrets/")
    db = env["TOLLGATE_DATABASE_URL"]
    assert "secretKeyRef" in db.get("valueFrom", {}) or db["value"].startswith("sqlite:///var/lib/tollgate/"), db
    # No secret ever in clear: only *_FILE paths and secretKeyRefs.
    for name, e in env.items():
        value = str(e.get("value", ""))
        assert "postgres://" not in value and "BEGIN" not in value, (name, value)
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    assert "/run/tollgate" in mounts and mounts["/etc/tollgate/secrets"]["readOnly"] is True
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/run/tollgate"]["name"]]
    secrets = volumes[mounts["/etc/tollgate/secrets"]["name"]]["projected"]
    files = {item["path"] for s in secrets["sources"] for item in s["secret"]["items"]}
    for var, fname in [("TOLLGATE_SMTP_PASSWORD_FILE", "smtp-password"),
                       ("TOLLGATE_TWILIO_AUTH_TOKEN_FILE", "twilio-auth-token"),
                       ("TOLLGATE_WEBHOOK_SECRET_FILE", "webhook-secret")]:
        assert (var in env) == (fname in files), (var, fname, files)
        if var in env:
            assert env[var]["value"] == f"/etc/tollgate/secrets/{fname}"
    assert "secret-key" in files


def callers_file(docs: list[dict]) -> dict | None:
    """The parsed config.toml of the release's ConfigMap, or None without one."""
    maps = by_kind(docs, "ConfigMap")
    if not maps:
        return None
    (cm,) = maps
    assert set(cm["data"]) == {"config.toml"}, cm["data"].keys()
    return {"name": cm["metadata"]["name"], "toml": tomllib.loads(cm["data"]["config.toml"])}


def check_callers(callers: list[dict], docs: list[dict], c: dict, pod: dict, annotations: dict) -> None:
    """`callers` reaches the container as TOLLGATE_CONFIG, a read-only file
    from the release's ConfigMap holding exactly those callers and nothing
    else; no callers: no file, no variable, no volume."""
    env = env_of(c)
    config = callers_file(docs)
    if not callers:
        assert config is None and "TOLLGATE_CONFIG" not in env, env.get("TOLLGATE_CONFIG")
        assert not any(v["name"] == "tollgate-config" for v in pod["volumes"])
        assert not any(k.startswith("checksum/") for k in annotations or {}), annotations
        return
    assert config["toml"] == {"callers": callers}, config["toml"]
    assert env["TOLLGATE_CONFIG"]["value"] == CONFIG, env["TOLLGATE_CONFIG"]
    mount = next(m for m in c["volumeMounts"] if m["name"] == "tollgate-config")
    assert mount["mountPath"] == os.path.dirname(CONFIG) and mount["readOnly"] is True, mount
    volume = next(v for v in pod["volumes"] if v["name"] == "tollgate-config")
    assert volume["configMap"] == {"name": config["name"],
                                   "items": [{"key": "config.toml", "path": "config.toml"}]}, volume
    assert re.fullmatch(r"[0-9a-f]{64}", annotations["checksum/tollgate-config"]), annotations


def check_network_policy(docs: list[dict], values: dict) -> dict:
    """Standalone: one NetworkPolicy on the tollgate pods, ingress only, the
    gRPC port from the client labels, the metrics port (when on) from the
    scraper's labels, then extraIngress."""
    np_values = merge(load_yaml(CHART / "values.yaml")["networkPolicy"], values.get("networkPolicy", {}))
    (np,) = by_kind(docs, "NetworkPolicy")
    (dep,) = by_kind(docs, "Deployment")
    spec = np["spec"]
    assert spec["podSelector"] == dep["spec"]["selector"], spec["podSelector"]
    assert spec["policyTypes"] == ["Ingress"], spec["policyTypes"]

    def peer(labels: dict, namespaces) -> dict:
        out = {"podSelector": {"matchLabels": labels}}
        if namespaces is not None:
            out["namespaceSelector"] = namespaces
        return out

    port = values.get("grpc", {}).get("port", 50051)
    rules = [{"from": [peer(np_values["clientLabels"], np_values.get("clientNamespaceSelector"))],
              "ports": [{"port": port, "protocol": "TCP"}]}]
    if values.get("metrics", {}).get("enabled", True):
        rules.append({"from": [peer(np_values["metricsLabels"], np_values.get("metricsNamespaceSelector"))],
                      "ports": [{"port": values.get("metrics", {}).get("port", 9464), "protocol": "TCP"}]})
    rules += np_values.get("extraIngress", [])
    assert spec["ingress"] == rules, spec["ingress"]
    return np


# --------------------------------------------------------------------------- tests

def test_lint_ci_values(workdir: Path) -> None:
    assert CI_VALUES, "no ci/*-values.yaml files"
    for path in CI_VALUES:
        messages = lint(load_yaml(path), workdir)
        errors = [m for m in messages if m.get("Severity", 0) >= ERROR]
        assert not errors, f"helm lint with {path.name}: {errors}"
        print(f"  ok   helm lint -f ci/{path.name}: {len(messages)} message(s), none an error")


def test_install_ci_values(workdir: Path) -> None:
    for path in CI_VALUES:
        values = load_yaml(path)
        release = install(CHART, values)
        STATS["install"] += 1
        docs = documents(release)
        validate_all(docs)
        kinds = sorted(d["kind"] for d in docs)
        standalone = values.get("mode") == "standalone"
        deployments = by_kind(docs, "Deployment")
        jobs = by_kind(docs, "Job")
        postgres = bool(values.get("database", {}).get("existingSecret"))
        # Migrations: a pre-install/pre-upgrade hook Job on Postgres, never on SQLite.
        assert len(jobs) == (1 if postgres else 0), kinds
        for job in jobs:
            assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
            c = job["spec"]["template"]["spec"]["containers"][0]
            assert c["args"] == ["migrate"], c["args"]
            assert "secretKeyRef" in env_of(c)["TOLLGATE_DATABASE_URL"]["valueFrom"]
            # Only the database URL (no key; --socket/--listen left at their
            # defaults, since both `off` is refused as "no listener").
            assert set(env_of(c)) == {"TOLLGATE_DATABASE_URL", "TOLLGATE_LOG_FORMAT", "TOLLGATE_LOG"}, env_of(c)
        callers = values.get("callers", [])
        config = callers_file(docs)
        assert (config["toml"] if config else None) == ({"callers": callers} if callers else None), config
        if not standalone:
            assert not deployments and not by_kind(docs, "Service"), kinds
            assert not by_kind(docs, "NetworkPolicy"), kinds
            print(f"  ok   helm install -f ci/{path.name}: {kinds or 'nothing'} (sidecar: no Deployment)")
            continue
        (dep,) = deployments
        pod = dep["spec"]["template"]["spec"]
        (c,) = pod["containers"]
        check_tollgate_container(c, pod)
        env = env_of(c)
        assert env["TOLLGATE_LISTEN"]["value"] == "0.0.0.0:50051"
        tls = values.get("tls", {}).get("enabled", False)
        mtls = tls and bool(values["tls"].get("clientCA", {}).get("existingSecret"))
        assert mtls or values.get("insecurePlaintext") is True, "standalone ci values without mTLS rendered"
        assert ("TOLLGATE_ALLOW_PLAINTEXT_REMOTE" in env) == (not tls), env.keys()
        check_callers(callers, docs, c, pod, dep["spec"]["template"]["metadata"].get("annotations", {}))
        check_network_policy(docs, values)
        assert ("TOLLGATE_TLS_CERT_FILE" in env) == tls
        if tls:
            tls_volume = next(v for v in pod["volumes"] if v["name"] == "tollgate-tls")
            names = [s["secret"]["name"] for s in tls_volume["projected"]["sources"]]
            assert names[0] == values["tls"]["existingSecret"], names
        (svc,) = by_kind(docs, "Service")
        grpc = next(p for p in svc["spec"]["ports"] if p["name"] == "grpc")
        assert grpc["port"] == 50051 and grpc["targetPort"] == "grpc"
        metrics = values.get("metrics", {}).get("enabled", True)
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        assert ("metrics" in ports) == metrics and ports["grpc"] == 50051, ports
        if metrics:
            assert env["TOLLGATE_METRICS_ADDR"]["value"] == "0.0.0.0:9464"
            assert dep["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == "9464"
        assert env["TOLLGATE_LOG_FORMAT"]["value"] == values.get("logFormat", "json")
        assert by_kind(docs, "ServiceAccount")
        assert len(by_kind(docs, "PodDisruptionBudget")) == int(values.get("podDisruptionBudget", {}).get("enabled", False))
        assert len(by_kind(docs, "HorizontalPodAutoscaler")) == int(values.get("autoscaling", {}).get("enabled", False))
        print(f"  ok   helm install -f ci/{path.name}: {', '.join(kinds)}")


def test_app_chart_includes_sidecar(workdir: Path) -> None:
    app = workdir / "app-chart"
    if app.exists():
        shutil.rmtree(app)
    shutil.copytree(APP_CHART, app)
    shutil.copytree(CHART, app / "charts" / "tollgate")  # what `helm dependency build` does
    release = install(app, {})
    STATS["install"] += 1
    docs = documents(release)
    validate_all(docs)
    (dep,) = by_kind(docs, "Deployment")
    pod = dep["spec"]["template"]["spec"]
    names = [c["name"] for c in pod["containers"]]
    assert names == ["app", "tollgate"], names
    app_c, tg = pod["containers"]
    check_tollgate_container(tg, pod)
    # No extra values: Unix socket only. TCP stays off (the server's default
    # is off now, and the chart says so explicitly), no plaintext opt-in, no
    # callers file, no NetworkPolicy (the application's pod is its own).
    env = env_of(tg)
    assert env["TOLLGATE_LISTEN"]["value"] == "off"
    assert [p["name"] for p in tg["ports"]] == ["metrics"], tg["ports"]
    assert "TOLLGATE_ALLOW_PLAINTEXT_REMOTE" not in env
    check_callers([], docs, tg, pod, dep["spec"]["template"]["metadata"].get("annotations"))
    assert not by_kind(docs, "NetworkPolicy") and not by_kind(docs, "ConfigMap")
    assert env_of(tg)["TOLLGATE_ISSUER"]["value"] == "MyApp"  # the app's values reach the subchart
    assert {"name": "tollgate-socket", "mountPath": "/run/tollgate"} in app_c["volumeMounts"]
    jobs = by_kind(docs, "Job")
    assert len(jobs) == 1 and jobs[0]["metadata"]["name"] == "tg-tollgate-migrate", [j["metadata"]["name"] for j in jobs]
    print(f"  ok   app chart with the sidecar: containers {names}, volumes "
          f"{[v['name'] for v in pod['volumes']]}, hook Job {jobs[0]['metadata']['name']}")


def test_readme_documents_every_value(workdir: Path) -> None:
    """helm/README.md's table names every value in values.yaml."""
    readme = (HERE.parent / "README.md").read_text()
    opaque = {"resources", "podSecurityContext", "securityContext", "affinity", "podAnnotations",
              "podLabels", "nodeSelector", "annotations", "startup", "readiness", "liveness",
              "clientLabels", "metricsLabels"}

    def leaves(d: dict, prefix: str = ""):
        for key, value in d.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and value and key not in opaque:
                yield from leaves(value, path)
            else:
                yield path

    paths = list(leaves(load_yaml(CHART / "values.yaml")))
    missing = [p for p in paths if f"| `{p}` |" not in readme]
    assert not missing, f"values missing from helm/README.md's table: {missing}"
    print(f"  ok   helm/README.md documents all {len(paths)} values")


def test_binary_accepts_rendered_env(workdir: Path) -> None:
    """With TOLLGATE_BIN set (e.g. target/debug/tollgate after `cargo build`),
    `tollgate config` must accept the environment of every container the chart
    renders: every TOLLGATE_* name and value the chart sets is one the server
    knows, and the callers file the chart renders is one it accepts. (`config`
    resolves and checks options like serve/migrate, binding nothing.) Skipped
    without it: the chart's tests need no Rust build."""
    binary = os.environ.get("TOLLGATE_BIN")
    if not binary:
        print("  skip TOLLGATE_BIN is not set: rendered environments not checked against the binary")
        return
    import subprocess
    app = workdir / "app-chart-bin"
    shutil.copytree(APP_CHART, app)
    shutil.copytree(CHART, app / "charts" / "tollgate")
    releases = [(path.name, install(CHART, load_yaml(path))) for path in CI_VALUES]
    releases.append(("app-chart", install(app, {})))
    checked = 0
    for name, release in releases:
        docs = documents(release)
        # The callers file: what the ConfigMap would mount at TOLLGATE_CONFIG.
        config = workdir / f"{name}.config.toml"
        for cm in by_kind(docs, "ConfigMap"):
            config.write_text(cm["data"]["config.toml"])
        for doc in docs:
            if doc["kind"] not in ("Deployment", "Job"):
                continue
            for c in doc["spec"]["template"]["spec"]["containers"]:
                if c["name"] not in ("tollgate", "migrate"):
                    continue
                env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
                for e in c.get("env", []):
                    # A Secret's value is not in the manifest: stand in for it.
                    env[e["name"]] = e.get("value", "postgres://tollgate@127.0.0.1/tollgate")
                if "TOLLGATE_CONFIG" in env:
                    env["TOLLGATE_CONFIG"] = str(config)
                run = subprocess.run([binary, "config"], env=env, capture_output=True, text=True,
                                     cwd=workdir, timeout=60)
                assert run.returncode == 0, f"{name} {doc['kind']}: tollgate config refused:\n{run.stderr}"
                checked += 1
    print(f"  ok   {binary} config accepts the environment of {checked} rendered containers")


def test_standalone_needs_mutual_tls(workdir: Path) -> None:
    """Standalone mode opens TCP to the cluster network: without TLS and a
    client CA it does not render, unless insecurePlaintext: true says so in
    so many words; only then (and only without TLS) does the chart set
    TOLLGATE_ALLOW_PLAINTEXT_REMOTE."""
    mtls = load_yaml(CHART / "ci" / "standalone-tls-values.yaml")
    refused = [
        ("no TLS", {"tls": {"enabled": False}}),
        ("TLS without a client CA", {"tls": {"clientCA": {"existingSecret": ""}}}),
        ("a client CA without TLS", {"tls": {"enabled": False, "existingSecret": ""}}),
        ("no TLS, insecurePlaintext false", {"tls": {"enabled": False}, "insecurePlaintext": False}),
    ]
    for name, override in refused:
        try:
            install(CHART, merge(mtls, override))
        except helm_sdkpy.InstallError as e:
            message = str(e)
        else:
            raise AssertionError(f"standalone with {name} rendered")
        assert MUTUAL_TLS_REFUSED in message and "insecurePlaintext=true" in message, message
        assert "tls.clientCA.existingSecret" in message, message
        STATS["install"] += 1
        print(f"  ok   standalone with {name}: refused to render ({MUTUAL_TLS_REFUSED} ...)")

    accepted = [
        ("no TLS", {"tls": {"enabled": False}}, True),
        ("TLS without a client CA", {"tls": {"clientCA": {"existingSecret": ""}}}, False),
    ]
    for name, override, plaintext in accepted:
        values = merge(mtls, {**override, "insecurePlaintext": True})
        release = install(CHART, values)
        STATS["install"] += 1
        docs = documents(release)
        validate_all(docs)
        (dep,) = by_kind(docs, "Deployment")
        env = env_of(dep["spec"]["template"]["spec"]["containers"][0])
        assert env["TOLLGATE_LISTEN"]["value"] == "0.0.0.0:50051", env["TOLLGATE_LISTEN"]
        if plaintext:
            assert env["TOLLGATE_ALLOW_PLAINTEXT_REMOTE"]["value"] == "true", env.keys()
            assert "TOLLGATE_TLS_CERT_FILE" not in env
        else:
            assert "TOLLGATE_ALLOW_PLAINTEXT_REMOTE" not in env and "TOLLGATE_TLS_CERT_FILE" in env
            assert "TOLLGATE_TLS_CLIENT_CA_FILE" not in env
        assert "WARNING: insecurePlaintext is true" in release["info"]["notes"], release["info"]["notes"]
        print(f"  ok   standalone with {name} and insecurePlaintext: true renders"
              f"{', TOLLGATE_ALLOW_PLAINTEXT_REMOTE=true' if plaintext else ' (TLS, no plaintext opt-in)'}")

    # Mutual TLS: renders, no plaintext opt-in, no warning.
    release = install(CHART, mtls)
    STATS["install"] += 1
    (dep,) = by_kind(documents(release), "Deployment")
    env = env_of(dep["spec"]["template"]["spec"]["containers"][0])
    assert "TOLLGATE_ALLOW_PLAINTEXT_REMOTE" not in env and "TOLLGATE_TLS_CLIENT_CA_FILE" in env
    assert "WARNING" not in release["info"]["notes"]
    # Sidecar mode needs none of it: no TLS, insecurePlaintext unset, renders.
    sidecar = load_yaml(CHART / "ci" / "sidecar-values.yaml")
    assert "insecurePlaintext" not in sidecar and "tls" not in sidecar
    install(CHART, sidecar)
    STATS["install"] += 1
    print("  ok   standalone with mutual TLS renders without the opt-in; sidecar mode needs neither")


def test_network_policy(workdir: Path) -> None:
    """On by default in standalone mode, admitting the gRPC port only from pods
    carrying the client labels; never in sidecar mode."""
    mtls = load_yaml(CHART / "ci" / "standalone-tls-values.yaml")
    cases = [
        ("default, metrics on", merge(mtls, {"metrics": {"enabled": True}})),
        ("default, metrics off", mtls),
        ("clients from labelled namespaces, another port",
         merge(mtls, {"grpc": {"port": 6000}, "networkPolicy": {
             "clientLabels": {"tollgate-client": None, "app": "web"},
             "clientNamespaceSelector": {"matchLabels": {"team": "shop"}}}})),
    ]
    for name, values in cases:
        docs = documents(install(CHART, values))
        STATS["install"] += 1
        validate_all(docs)
        np = check_network_policy(docs, values)
        first = np["spec"]["ingress"][0]
        print(f"  ok   NetworkPolicy ({name}): {len(np['spec']['ingress'])} rule(s); gRPC port "
              f"{first['ports'][0]['port']} from {first['from'][0]}")
    default = check_network_policy(documents(install(CHART, mtls)), mtls)
    assert default["spec"]["ingress"][0]["from"] == [{"podSelector": {"matchLabels": {"tollgate-client": "true"}}}]
    docs = documents(install(CHART, merge(mtls, {"networkPolicy": {"enabled": False}})))
    assert not by_kind(docs, "NetworkPolicy") and by_kind(docs, "Deployment")
    for path in ("sidecar-values.yaml", "sidecar-sqlite-values.yaml"):
        values = merge(load_yaml(CHART / "ci" / path), {"networkPolicy": {"enabled": True}})
        assert not by_kind(documents(install(CHART, values)), "NetworkPolicy"), path
    STATS["install"] += 4
    print("  ok   no NetworkPolicy with networkPolicy.enabled=false, nor in sidecar mode")


# Strings that need escaping in TOML, identities at the ends of their ranges.
TRICKY_CALLERS = [
    {"name": 'web "backend" \\ <&> \u00fcn\u00efc\u00f8de', "uid": 0, "permissions": ["sign_in"],
     "tenants": ["*"]},
    {"name": "ops\nteam\t#1 = [x]", "gid": 4294967295, "permissions": ["admin", "outbox", "sign_in"],
     "tenants": ["acme", "o'brien", "a]b", "x = 1", "# not a comment"]},
    {"name": "mailer", "certificate": 'CN=mailer,O="Acme, Inc."\\', "permissions": ["outbox"],
     "tenants": ["t1"]},
    {"name": "spiffe", "certificate": "spiffe://cluster.local/ns/shop/sa/web", "permissions": ["sign_in"],
     "tenants": ["acme"]},
]


def test_callers_round_trip(workdir: Path) -> None:
    """`callers` becomes a ConfigMap whose config.toml parses back to exactly
    the values given, mounted read-only and named by TOLLGATE_CONFIG, in both
    modes; the server refuses unknown keys, so the file holds nothing else."""
    mtls = load_yaml(CHART / "ci" / "standalone-tls-values.yaml")
    values = merge(mtls, {"callers": TRICKY_CALLERS})
    docs = documents(install(CHART, values))
    validate_all(docs)
    (dep,) = by_kind(docs, "Deployment")
    pod = dep["spec"]["template"]["spec"]
    check_callers(TRICKY_CALLERS, docs, pod["containers"][0], pod, dep["spec"]["template"]["metadata"]["annotations"])
    # A change to callers changes the checksum, so the pods restart.
    other = documents(install(CHART, merge(mtls, {"callers": TRICKY_CALLERS[:1]})))
    (dep2,) = by_kind(other, "Deployment")
    assert (dep["spec"]["template"]["metadata"]["annotations"]["checksum/tollgate-config"]
            != dep2["spec"]["template"]["metadata"]["annotations"]["checksum/tollgate-config"])
    print(f"  ok   standalone: {len(TRICKY_CALLERS)} callers (quotes, backslashes, newlines, <&>, "
          f"non-ASCII, uid 0, gid 2^32-1) parse back from config.toml exactly; TOLLGATE_CONFIG={CONFIG}")

    # Sidecar mode: the ConfigMap comes with the application's release, the
    # sidecar container mounts it.
    app = workdir / "app-chart-callers"
    shutil.copytree(APP_CHART, app)
    shutil.copytree(CHART, app / "charts" / "tollgate")
    docs = documents(install(app, {"tollgate": {"callers": TRICKY_CALLERS}}))
    validate_all(docs)
    (dep,) = by_kind(docs, "Deployment")
    pod = dep["spec"]["template"]["spec"]
    tg = next(c for c in pod["containers"] if c["name"] == "tollgate")
    check_callers(TRICKY_CALLERS, docs, tg, pod, dep["spec"]["template"]["metadata"]["annotations"])
    assert env_of(tg)["TOLLGATE_LISTEN"]["value"] == "off"
    STATS["install"] += 3
    print(f"  ok   sidecar (app chart): ConfigMap {callers_file(docs)['name']} mounted into the "
          f"tollgate container, same callers back")


# (name, values on top of ci/sidecar-values.yaml, the field Helm must name)
BAD_VALUES = [
    ("wrong type", {"replicaCount": "three"}, "/replicaCount"),
    ("standalone without the database Secret", {"mode": "standalone", "database": {"existingSecret": ""}},
     "/database/existingSecret"),
    ("unknown enum", {"logFormat": "xml"}, "/logFormat"),
    ("no secret key Secret", {"secretKey": {"existingSecret": ""}}, "/secretKey/existingSecret"),
    ("sidecar with neither Postgres nor an SQLite claim", {"database": {"existingSecret": ""}},
     "/database/sqlite/existingClaim"),
    ("SMTP user name without the password Secret",
     {"email": {"transport": "smtp"}, "smtp": {"host": "mail", "from": "a@b.example", "username": "u"}},
     "/smtp/password/existingSecret"),
    ("Twilio without the auth token Secret",
     {"sms": {"transport": "twilio"}, "twilio": {"accountSid": "AC1", "from": "+15005550006"}},
     "/twilio/authToken/existingSecret"),
    ("webhook without its URL", {"sms": {"transport": "webhook"},
                                 "webhook": {"secret": {"existingSecret": "s"}}}, "/webhook/url"),
    ("TLS without its Secret", {"mode": "standalone", "tls": {"enabled": True}}, "/tls/existingSecret"),
    ("the development-only log transport", {"email": {"transport": "log"}}, "/email/transport"),
    ("a misspelt key", {"replicas": 3}, "'replicas'"),
    ("a port out of range", {"metrics": {"port": 70000}}, "/metrics/port"),
    ("a negative connection limit", {"maxConnections": -1}, "/maxConnections"),
    ("a caller with two identities",
     {"callers": [{"name": "a", "uid": 1000, "certificate": "web", "permissions": ["sign_in"], "tenants": ["*"]}]},
     "- at '/callers/0': 'oneOf' failed, subschemas 0, 2 matched"),
    ("a caller with no identity",
     {"callers": [{"name": "a", "permissions": ["sign_in"], "tenants": ["*"]}]},
     "- at '/callers/0': 'oneOf' failed, none matched"),
    ("a caller with an unknown permission",
     {"callers": [{"name": "a", "gid": 1000, "permissions": ["sign_in", "superuser"], "tenants": ["*"]}]},
     "/callers/0/permissions/1"),
    ("a caller without permissions",
     {"callers": [{"name": "a", "gid": 1000, "permissions": [], "tenants": ["*"]}]}, "/callers/0/permissions"),
    ("a caller without tenants",
     {"callers": [{"name": "a", "uid": 1000, "permissions": ["admin"], "tenants": []}]}, "/callers/0/tenants"),
    ("a caller without a name",
     {"callers": [{"uid": 1000, "permissions": ["admin"], "tenants": ["*"]}]}, "missing property 'name'"),
    ("a caller with a misspelt key",
     {"callers": [{"name": "a", "uid": 1000, "permission": ["admin"], "permissions": ["admin"],
                   "tenants": ["*"]}]}, "'permission' not allowed"),
    ("a negative uid",
     {"callers": [{"name": "a", "uid": -1, "permissions": ["admin"], "tenants": ["*"]}]}, "/callers/0/uid"),
    ("insecurePlaintext as a string", {"insecurePlaintext": "yes"}, "/insecurePlaintext"),
    ("a NetworkPolicy admitting every pod", {"networkPolicy": {"clientLabels": {"tollgate-client": None}}},
     "/networkPolicy/clientLabels"),
]


def test_schema_rejects_bad_values(workdir: Path) -> None:
    base = load_yaml(CHART / "ci" / "sidecar-values.yaml")
    for name, override, field in BAD_VALUES:
        values = merge(base, override)
        # 1. helm lint fails, on values.yaml.
        messages = lint(values, workdir)
        errors = [m for m in messages if m.get("Severity", 0) >= ERROR]
        assert any(m.get("Path") == "values.yaml" for m in errors), f"{name}: helm lint passed: {messages}"
        # 2. Helm's own schema error names the field.
        try:
            install(CHART, values)
        except helm_sdkpy.InstallError as e:
            message = str(e)
        else:
            raise AssertionError(f"{name}: helm install accepted the values")
        assert "values don't meet the specifications of the schema" in message, message
        lines = [line.strip() for line in message.splitlines() if field in line]
        assert lines, f"{name}: the error does not name {field}:\n{message}"
        STATS["rejected"] += 1
        print(f"  ok   rejected {name}: lint error on values.yaml; {lines[0]}")


# --------------------------------------------------------------------------- runner

def main() -> int:
    tests = [test_lint_ci_values, test_install_ci_values, test_app_chart_includes_sidecar,
             test_standalone_needs_mutual_tls, test_network_policy, test_callers_round_trip,
             test_schema_rejects_bad_values, test_readme_documents_every_value,
             test_binary_accepts_rendered_env]
    failed = []
    with tempfile.TemporaryDirectory(prefix="tollgate-chart-") as tmp:
        for test in tests:
            print(f"{test.__name__}")
            try:
                test(Path(tmp))
            except Exception:  # noqa: BLE001 - report every failure, then exit non-zero
                failed.append(test.__name__)
                traceback.print_exc()
                print(f"  FAIL {test.__name__}")
    summary = (f"helm chart: {len(tests) - len(failed)}/{len(tests)} tests passed; "
               f"{STATS['lint']} helm lint runs, {STATS['install']} helm installs rendered, "
               f"{STATS['manifests']} manifests valid for Kubernetes {' and '.join(K8S_VERSIONS)}, "
               f"{STATS['rejected']}/{len(BAD_VALUES)} bad values rejected naming the field "
               f"(Helm {helm_sdkpy.get_version()})")
    print(("FAILED " if failed else "PASSED ") + summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
