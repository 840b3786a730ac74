//! On Linux with glibc, has the linker pack the server's relocations. (The
//! gRPC contract is compiled by the `tollgate-proto` crate, crates/proto.)
fn main() {
    pack_relative_relocations();
    // Without it, cargo would run this again whenever any file of the
    // package changed.
    println!("cargo:rerun-if-changed=build.rs");
}

/// Asks the linker to pack the server's relative relocations (DT_RELR). The
/// executable is position-independent, so every pointer in its read-only
/// tables needs one: about 29,000 of them, 700 KiB of entries that the loader
/// reads at each start and that then stay resident for the life of the
/// process. Packed, they take 9 KiB. GNU ld 2.38 and lld 15 understand
/// the flag (older GNU ld warns and ignores it); glibc 2.36 loads the result,
/// and the linker marks the executable so an older glibc refuses it by name
/// rather than misloading it.
fn pack_relative_relocations() {
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if linux_gnu {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
