//! The W3C WebDriver client of the browser tests (webform_browser.rs, portal_browser.rs:
//! Debian's chromium and chromedriver), with TLS (the hub's self-signed certificate accepted)
//! and look-ups that poll for their element ([`Session::wait`]) after a navigation or a submit,
//! instead of a find that races the new page.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

pub const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub fn find_binary(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// chromedriver on a free port, killed on drop.
pub struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    pub fn start(binary: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while ureq::get(&format!("{url}/status")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver { child, url }
    }
}

/// One browser session (W3C WebDriver over HTTP).
pub struct Session<'d> {
    driver: &'d Driver,
    id: String,
}

impl<'d> Session<'d> {
    /// A browser whose viewport is `width` × `height` CSS pixels: a phone (touch, mobile
    /// viewport; headless windows are never narrower than 500 px) below 500, else a window.
    pub fn open(driver: &'d Driver, chromium: &Path, width: u32, height: u32) -> Session<'d> {
        let mut options = json!({
            "binary": chromium,
            // An Italian customer's browser (Accept-Language).
            "prefs": {"intl.accept_languages": "it-IT,it"},
            "args": ["--headless=new", "--ignore-certificate-errors", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=it-IT",
                     format!("--window-size={width},{height}")]
        });
        if width < 500 {
            options["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0, "touch": true}
            });
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "acceptInsecureCerts": true,
            "goog:chromeOptions": options
        }}});
        let value = call(&driver.url, "POST", "/session", Some(caps));
        Session {
            driver,
            id: value["sessionId"].as_str().unwrap().to_owned(),
        }
    }

    pub fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        call(
            &self.driver.url,
            method,
            &format!("/session/{}{path}", self.id),
            body,
        )
    }

    pub fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    /// The element `css`, waited for: a click on a submit button may return before the browser
    /// has left the page, and a look-up that ran at once then failed on a fast machine (CI).
    /// Every look-up ([`Session::type_in`], [`Session::click`], [`Session::text`]) polls.
    pub fn find(&self, css: &str) -> String {
        self.wait(css)
    }

    pub fn type_in(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({"text": text})),
        );
    }

    pub fn click(&self, css: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    pub fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.cmd("GET", &format!("/element/{e}/text"), None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A number the browser computes (the test's own script, not the page's: it has none).
    pub fn number(&self, script: &str) -> u64 {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .as_u64()
        .unwrap()
    }

    /// The page's inner width as the browser lays it out.
    pub fn inner_width(&self) -> u64 {
        self.number("return window.innerWidth")
    }

    /// The width of the laid-out document: more than the viewport means sideways scrolling.
    pub fn content_width(&self) -> u64 {
        self.number("return document.documentElement.scrollWidth")
    }

    /// Polls for `css` until it is there (a page loading after a click), at most 20 s.
    pub fn wait(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            let url = format!("{}/session/{}/element", self.driver.url, self.id);
            let found = ureq::post(&url)
                .timeout(Duration::from_secs(20))
                .send_json(json!({"using": "css selector", "value": css}));
            if let Ok(r) = found {
                let v: Value = r.into_json().unwrap();
                if let Some(id) = v["value"][ELEMENT].as_str() {
                    return id.to_owned();
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no {css} after 20 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn screenshot(&self) -> Vec<u8> {
        let b64 = self.cmd("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap()
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.driver.url, self.id)).call();
    }
}

fn call(base: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let req = ureq::request(method, &format!("{base}{path}")).timeout(Duration::from_secs(60));
    let result = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("WebDriver {method} {path}: {e}"),
    };
    let status = response.status();
    let v: Value = response.into_json().unwrap();
    assert!(status < 400, "WebDriver {method} {path}: {status} {v}");
    v["value"].clone()
}

/// The width of a PNG (its IHDR chunk).
pub fn png_width(png: &[u8]) -> u32 {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    u32::from_be_bytes(png[16..20].try_into().unwrap())
}

pub fn keep(name: &str, png: &[u8]) {
    if std::env::var("UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::write(dir.join(name), png).unwrap();
    }
}
