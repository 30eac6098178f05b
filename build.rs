//! Rebuilds the crate when a migration changes: refinery embeds the files of
//! `migrations/` at compile time, which cargo does not track by itself.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
