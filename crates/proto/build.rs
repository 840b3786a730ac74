//! Compiles the gRPC contract in the repository's proto/ directory with
//! protox (pure Rust: no protoc on the machine) and writes the descriptor set
//! that server reflection serves. The server traits are generated too, but
//! compiled only with the crate's `server` feature.
use std::path::PathBuf;

use prost::Message;

/// Named relative to proto/, as `import` statements name them (and as the
/// descriptor set records them).
const PROTOS: &[&str] = &[
    "tollgate/v1/common.proto",
    "tollgate/v1/enrollment.proto",
    "tollgate/v1/challenge.proto",
    "tollgate/v1/recovery.proto",
    "tollgate/v1/policy.proto",
    "tollgate/v1/delivery.proto",
    "google/rpc/error_details.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The contract stays at the repository's root (proto/), where clients in
    // other languages generate their stubs from it too.
    let proto = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    let fds = protox::compile(PROTOS, [&proto])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("tollgate_descriptor.bin"), fds.encode_to_vec())?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // Every `*_server` module, behind the `server` feature.
        .server_mod_attribute(".", r#"#[cfg(feature = "server")]"#)
        // RPCs not built yet answer UNIMPLEMENTED without hand-written stubs.
        .generate_default_stubs(true)
        .compile_fds(fds)?;
    println!("cargo:rerun-if-changed={}", proto.display());
    Ok(())
}
