//! The `clavepin` command line as scripts and outside checks use it.

// A panic in a test is a failed test, not a crash in a citizen's hands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod crash;
mod device;
mod identity_and_demo;
mod served;
mod service;
mod settings;
mod walkthrough;

use std::process::{Command, Output};

pub fn clavepin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clavepin")).args(args).output().unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The standard output of a command that must succeed.
pub fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stdout(&out)
}

/// A stand-in for xclip in `dir/bin`: what it is given is the clipboard, the file
/// returned.
pub fn fake_clipboard(dir: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let held = dir.join("clipboard");
    std::fs::write(bin.join("xclip"), format!("#!/bin/sh\ncat > {}\n", held.display())).unwrap();
    std::fs::set_permissions(bin.join("xclip"), std::fs::Permissions::from_mode(0o755)).unwrap();
    held
}
