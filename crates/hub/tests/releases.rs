//! App releases for the devices' updater: `rapportino-hub release add|list|remove` (the real
//! binary) on a real .deb built by dpkg-deb and signed as `tauri signer sign` signs (minisign,
//! base64, `version:` in the trusted comment), then the updater's endpoints of a running hub
//! over TLS, with an enrolled device's token, and the downloaded package verified the way the
//! updater plugin verifies it (minisign-verify over the bytes, the signed version checked
//! against the announced one).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use common::{code_of, sqlite_storage, TestHub};
use rapportino_model::protocol::Role;
use serde_json::Value;

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A key pair as `tauri signer generate` gives it: the public key file's text (base64 of the
/// minisign public key box) and the secret key.
struct Signer {
    pk: minisign::PublicKey,
    sk: minisign::SecretKey,
}

impl Signer {
    fn new() -> Signer {
        let minisign::KeyPair { pk, sk } =
            minisign::KeyPair::generate_unencrypted_keypair().expect("key pair");
        Signer { pk, sk }
    }

    fn public_key_file(&self) -> String {
        b64(&self.pk.to_box().expect("public key box").to_string())
    }

    /// The `.sig` file's text for `data` signed for `version`.
    fn sign(&self, data: &[u8], file: &str, version: &str) -> String {
        let trusted = format!("timestamp:1765000000\tfile:{file}\tversion:{version}");
        let sig = minisign::sign(
            Some(&self.pk),
            &self.sk,
            std::io::Cursor::new(data),
            Some(&trusted),
            Some("signature from tauri secret key"),
        )
        .expect("sign");
        b64(&sig.to_string())
    }
}

/// A real (tiny) Debian package of `rapportino` at `version`, built by dpkg-deb.
fn build_deb(dir: &Path, version: &str) -> PathBuf {
    let root = dir.join(format!("pkg-{version}"));
    std::fs::create_dir_all(root.join("DEBIAN")).expect("DEBIAN");
    std::fs::create_dir_all(root.join("usr/share/doc/rapportino")).expect("doc dir");
    std::fs::write(
        root.join("DEBIAN/control"),
        format!(
            "Package: rapportino\nVersion: {version}\nArchitecture: amd64\n\
             Maintainer: Test <test@example.invalid>\nDescription: test package\n"
        ),
    )
    .expect("control");
    std::fs::write(root.join("usr/share/doc/rapportino/VERSION"), version).expect("file");
    let deb = dir.join(format!("rapportino_{version}_amd64.deb"));
    let out = Command::new("dpkg-deb")
        .args(["--root-owner-group", "--build"])
        .arg(&root)
        .arg(&deb)
        .output()
        .expect("run dpkg-deb");
    assert!(
        out.status.success(),
        "dpkg-deb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    deb
}

fn hub(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
        .args(args)
        .env_remove("RAPPORTINO_HUB_RELEASES_DIR")
        .output()
        .expect("run rapportino-hub")
}

fn refused(out: &Output, code: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a refusal, got success");
    assert!(err.contains(&format!("error: {code}:")), "{err}");
}

/// What the updater plugin does with an answer: the signature over the bytes with the shop's
/// key, then the version inside the signature against the announced version.
fn verify_like_the_plugin(data: &[u8], signature: &str, public_key: &str, announced: &str) {
    let decode = |s: &str| {
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .expect("base64"),
        )
        .expect("utf-8")
    };
    let key = minisign_verify::PublicKey::decode(&decode(public_key)).expect("public key");
    let sig = minisign_verify::Signature::decode(&decode(signature)).expect("signature");
    key.verify(data, &sig, true)
        .expect("the signature verifies");
    let signed = sig
        .trusted_comment()
        .split('\t')
        .find_map(|f| f.strip_prefix("version:"))
        .expect("a signed version");
    assert_eq!(signed, announced);
}

#[test]
fn release_add_validates_and_the_hub_serves_the_updater() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let dir = tmp.path();
    let releases = dir.join("releases");
    let releases_arg = releases.to_str().expect("utf-8 path");
    let signer = Signer::new();
    let key_file = dir.join("updater.pub");
    std::fs::write(&key_file, signer.public_key_file()).expect("write key");
    let key_arg = key_file.to_str().expect("utf-8 path");

    let deb = build_deb(dir, "0.2.0");
    let data = std::fs::read(&deb).expect("read deb");
    let sig = dir.join("good.sig");
    std::fs::write(
        &sig,
        signer.sign(&data, "rapportino_0.2.0_amd64.deb", "0.2.0"),
    )
    .expect("sig");
    let (deb_arg, sig_arg) = (deb.to_str().expect("path"), sig.to_str().expect("path"));
    let add = |extra: &[&str]| {
        let mut args = vec!["release", "add", "--releases-dir", releases_arg];
        args.extend_from_slice(extra);
        hub(&args)
    };

    // Refusals: nothing is stored by any of them.
    refused(
        &add(&[deb_arg, "--signature", sig_arg, "--version", "0.2"]),
        "RELEASE_INVALID",
    );
    refused(
        &add(&[deb_arg, "--signature", sig_arg, "--version", "0.3.0"]),
        "RELEASE_INVALID",
    ); // signed for 0.2.0
    let garbage = dir.join("garbage.sig");
    std::fs::write(&garbage, "not a signature").expect("write");
    refused(
        &add(&[
            deb_arg,
            "--signature",
            garbage.to_str().expect("path"),
            "--version",
            "0.2.0",
        ]),
        "RELEASE_INVALID",
    );
    let not_deb = dir.join("rapportino_0.2.0_amd64.AppImage");
    std::fs::write(&not_deb, b"\x7fELF not a package at all, but signed").expect("write");
    let not_deb_sig = dir.join("notdeb.sig");
    let bytes = std::fs::read(&not_deb).expect("read");
    std::fs::write(&not_deb_sig, signer.sign(&bytes, "x", "0.2.0")).expect("write");
    refused(
        &add(&[
            not_deb.to_str().expect("path"),
            "--signature",
            not_deb_sig.to_str().expect("path"),
            "--version",
            "0.2.0",
        ]),
        "RELEASE_INVALID",
    );
    // Signed by another key: refused with the shop's public key.
    let other = Signer::new();
    let other_sig = dir.join("other.sig");
    std::fs::write(&other_sig, other.sign(&data, "x", "0.2.0")).expect("write");
    refused(
        &add(&[
            deb_arg,
            "--signature",
            other_sig.to_str().expect("path"),
            "--version",
            "0.2.0",
            "--public-key",
            key_arg,
        ]),
        "RELEASE_INVALID",
    );
    // Over the size limit.
    refused(
        &add(&[
            deb_arg,
            "--signature",
            sig_arg,
            "--version",
            "0.2.0",
            "--max-mib",
            "0",
        ]),
        "RELEASE_INVALID",
    );
    let listed = hub(&["release", "list", "--json", "--releases-dir", releases_arg]);
    assert!(listed.status.success());
    assert_eq!(String::from_utf8_lossy(&listed.stdout).trim(), "[]");

    // Accepted, verified with the shop's key.
    let out = add(&[
        deb_arg,
        "--signature",
        sig_arg,
        "--version",
        "0.2.0",
        "--notes",
        "Stampa più veloce",
        "--public-key",
        key_arg,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("signature verified"));
    // The same version again, or an older one: refused.
    refused(
        &add(&[deb_arg, "--signature", sig_arg, "--version", "0.2.0"]),
        "RELEASE_INVALID",
    );
    refused(
        &add(&[deb_arg, "--signature", sig_arg, "--version", "0.1.5"]),
        "RELEASE_INVALID",
    );

    // The hub serves it to enrolled devices.
    let storage = sqlite_storage();
    let releases_dir = releases.clone();
    let served = TestHub::start(storage.storage.clone(), true, move |c| {
        c.releases_dir = Some(releases_dir)
    });
    let device = served.enrol(
        Role::Technician,
        "0190f000-0000-7000-8000-0000000000a1",
        "AA",
    );
    let token = device.token.as_str();
    let (status, body) = served.call("GET", "/v1/updates/linux/x86_64/0.1.0", None, None);
    assert_eq!((status, code_of(&body)), (401, "UNAUTHENTICATED"));
    let (status, body) = served.call("GET", "/v1/updates/linux/x86_64/0.1.0", Some(token), None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"], "0.2.0");
    assert_eq!(body["notes"], "Stampa più veloce");
    let url = body["url"].as_str().expect("url");
    assert_eq!(
        url,
        format!(
            "{}/v1/updates/files/0.2.0/rapportino_0.2.0_amd64.deb",
            served.url
        )
    );
    let signature = body["signature"].as_str().expect("signature").to_string();
    // Nothing newer for a device at 0.2.0 or later, nor for another target.
    for path in [
        "/v1/updates/linux/x86_64/0.2.0",
        "/v1/updates/linux/x86_64/1.0.0",
        "/v1/updates/windows/x86_64/0.1.0",
        "/v1/updates/linux/aarch64/0.1.0",
    ] {
        let (status, _) = served.call("GET", path, Some(token), None);
        assert_eq!(status, 204, "{path}");
    }
    let (status, body) = served.call("GET", "/v1/updates/linux/x86_64/latest", Some(token), None);
    assert_eq!((status, code_of(&body)), (400, "MALFORMED_BODY"));

    // The package: only with a token, only names the list holds.
    let no_token = served.agent.get(url).call();
    assert!(matches!(no_token, Err(ureq::Error::Status(401, _))));
    let other_name = url.replace("rapportino_0.2.0_amd64.deb", "..%2Freleases.json");
    let (status, _) = common::answer(
        served
            .agent
            .get(&other_name)
            .set("Authorization", &format!("Bearer {token}"))
            .call(),
    );
    assert_eq!(status, 404);
    let response = served
        .agent
        .get(url)
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .expect("download");
    assert_eq!(
        response.header("Content-Type"),
        Some("application/vnd.debian.binary-package")
    );
    let mut downloaded = Vec::new();
    response
        .into_reader()
        .read_to_end(&mut downloaded)
        .expect("read the package");
    assert_eq!(downloaded, data);
    verify_like_the_plugin(&downloaded, &signature, &signer.public_key_file(), "0.2.0");

    // A revoked device gets nothing.
    let other_device = served.enrol(Role::Office, "0190f000-0000-7000-8000-0000000000a2", "AB");
    served
        .storage
        .registry()
        .revoke(&other_device.device_id, &chrono::Utc::now().to_rfc3339())
        .expect("revoke");
    let (status, body) = served.call(
        "GET",
        "/v1/updates/linux/x86_64/0.1.0",
        Some(&other_device.token),
        None,
    );
    assert_eq!((status, code_of(&body)), (403, "DEVICE_REVOKED"));

    // Listed, then removed: the hub has nothing newer any more.
    let listed = hub(&["release", "list", "--json", "--releases-dir", releases_arg]);
    let list: Value = serde_json::from_slice(&listed.stdout).expect("json list");
    assert_eq!(list[0]["version"], "0.2.0");
    assert_eq!(list[0]["size"], data.len() as u64);
    let removed = hub(&["release", "remove", "0.2.0", "--releases-dir", releases_arg]);
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    assert!(!releases.join("0.2.0").exists());
    let (status, _) = served.call("GET", "/v1/updates/linux/x86_64/0.1.0", Some(token), None);
    assert_eq!(status, 204);
    refused(
        &hub(&["release", "remove", "0.2.0", "--releases-dir", releases_arg]),
        "NOT_FOUND",
    );
}

#[test]
fn a_hub_without_releases_has_nothing_newer() {
    let storage = sqlite_storage();
    let served = TestHub::tls(storage.storage.clone());
    let device = served.enrol(
        Role::Technician,
        "0190f000-0000-7000-8000-0000000000b2",
        "BB",
    );
    let (status, _) = served.call(
        "GET",
        "/v1/updates/linux/x86_64/0.1.0",
        Some(&device.token),
        None,
    );
    assert_eq!(status, 204);
    let (status, _) = served.call(
        "GET",
        "/v1/updates/files/0.2.0/rapportino_0.2.0_amd64.deb",
        Some(&device.token),
        None,
    );
    assert_eq!(status, 404);
}
