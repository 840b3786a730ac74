# syntax=docker/dockerfile:1
#
# tollgate container image: a statically linked Rust binary on an empty base
# (no shell, no shared libraries, user 65532). The Helm chart
# (helm/tollgate) runs this image; its default reference is
# ghcr.io/tollgate/tollgate:<the chart's appVersion>.
#
# This file is the build for machines with a container engine:
#
#   docker build --build-arg TOLLGATE_BUILD_COMMIT="$(git rev-parse --short=12 HEAD)" \
#     -t ghcr.io/tollgate/tollgate:0.1.0 .
#   docker run --rm -v tollgate-data:/var/lib/tollgate -v tollgate-run:/run/tollgate \
#     ghcr.io/tollgate/tollgate:0.1.0
#
# .ci/build-image builds the same image with buildah and nothing to
# pull (CI does, and starts it: .ci/image). Both lay out the files with
# .ci/stage-rootfs; .ci/image builds this file's final stage on the
# files its build staged and checks that configuration and files match, so
# change the two together.
#
# By default it serves on the Unix socket /run/tollgate/tollgate.sock only,
# with SQLite in /var/lib/tollgate (mount volumes on both). TCP, TLS and
# Postgres are flags or TOLLGATE_* environment variables (`tollgate serve --help`).
# An OCI image has no health check; probe with
# `tollgate health --socket /run/tollgate/tollgate.sock` (the chart's exec
# probes do, and `docker run --health-cmd` can).

FROM rust:1.95-bookworm AS build
# The commit `tollgate --version` names: the build context has no .git.
ARG TOLLGATE_BUILD_COMMIT
WORKDIR /src
# No protoc needed: crates/proto/build.rs compiles proto/ with protox.
COPY Cargo.toml Cargo.lock build.rs clippy.toml ./
COPY .cargo .cargo
COPY proto proto
COPY crates crates
COPY src src
COPY tests tests
COPY .ci/stage-rootfs .ci/stage-rootfs
# Linked statically (glibc's static-pie, still position-independent): no
# shared library to load or keep resident, 1.5 MiB less memory at idle (the
# README's Performance section). This is the `cargo build-static` alias of
# .cargo/config.toml with the build machine's own triple, so the same file
# builds for amd64 and arm64; `--target` keeps the flag off build scripts
# and proc macros, which must stay dynamic.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    triple="$(rustc -vV | sed -n 's/^host: //p')" \
 && TOLLGATE_BUILD_COMMIT="$TOLLGATE_BUILD_COMMIT" \
    cargo build --release --locked -p tollgate --bin tollgate --target "$triple" \
      --config "target.$triple.rustflags = ['-C', 'target-feature=+crt-static']" \
 && sh .ci/stage-rootfs /out "target/$triple/release/tollgate"

FROM scratch
ARG TOLLGATE_VERSION=0.1.0
ARG TOLLGATE_BUILD_COMMIT
LABEL org.opencontainers.image.title="tollgate" \
      org.opencontainers.image.description="Two-factor authentication sidecar: TOTP, email/SMS codes, recovery codes, policy, over gRPC" \
      org.opencontainers.image.source="https://github.com/tollgate/tollgate" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${TOLLGATE_VERSION}" \
      org.opencontainers.image.revision="${TOLLGATE_BUILD_COMMIT}"
# Owned by root: the binary, passwd/group (nonroot, 65532), nsswitch.conf,
# the CA bundle, /var/lib and /run. Then the two directories tollgate
# writes, owned by 65532 (their parents exist already, so stay root's).
COPY --from=build /out/root/ /
COPY --from=build --chown=65532:65532 /out/nonroot/var/lib/tollgate /var/lib/tollgate
COPY --from=build --chown=65532:65532 /out/nonroot/run/tollgate /run/tollgate
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
# The only writable places: the data directory (SQLite, and the key file
# tollgate creates beside it when none is given) and the socket directory.
# The root file system can be read-only.
VOLUME ["/var/lib/tollgate", "/run/tollgate"]
WORKDIR /var/lib/tollgate
# 50051: gRPC over TCP (with --listen); 9464: Prometheus metrics (with --metrics-addr).
EXPOSE 50051/tcp 9464/tcp
ENTRYPOINT ["/usr/local/bin/tollgate"]
CMD ["serve", \
     "--socket", "/run/tollgate/tollgate.sock", \
     "--listen", "off", \
     "--database-url", "sqlite:///var/lib/tollgate/tollgate.db", \
     "--log-format", "json"]
