//! The app under test: Tauri's mock runtime with the real context and capabilities, a fresh
//! temporary database per test, and helpers that call commands through the IPC as the UI does.
#![allow(dead_code, clippy::unwrap_used)]

use rapportino_app::state::AppState;
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

pub struct Harness {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

pub fn harness_with(state: impl FnOnce(&std::path::Path) -> AppState, label: &str) -> Harness {
    harness_on(mock_builder(), state, label)
}

/// As [`harness_with`] on a builder of the test's own (a plugin the shell adds in `run`).
pub fn harness_on(
    builder: tauri::Builder<MockRuntime>,
    state: impl FnOnce(&std::path::Path) -> AppState,
    label: &str,
) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path());
    let app = rapportino_app::wire(builder, state)
        .build(rapportino_app::context())
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, label, Default::default())
        .build()
        .unwrap();
    Harness {
        _app: app,
        window,
        _dir: dir,
    }
}

pub fn harness() -> Harness {
    harness_with(|dir| AppState::open(Ok(dir.join("test.db"))), "main")
}

impl Harness {
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    pub fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} should fail, returned {v}"),
            Err(e) => e,
        }
    }

    /// Runs core code on the app's own store (as the tray and background jobs do).
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut rapportino_core::Store) -> rapportino_core::Result<T>,
    ) -> Result<T, rapportino_core::ErrorPayload> {
        self.window.state::<AppState>().with(f).map_err(|e| e.0)
    }

    /// As if the user had picked `path` in a native dialog (the dialogs cannot run here).
    pub fn pick(&self, path: impl AsRef<std::path::Path>) {
        self.window
            .state::<AppState>()
            .allowed_paths()
            .remember_picked(path.as_ref());
    }

    /// The folder the database is in.
    pub fn data_folder(&self) -> std::path::PathBuf {
        self.with_store(|s| Ok(s.path().unwrap().parent().unwrap().to_path_buf()))
            .unwrap()
    }

    /// The app, for what the shell runs without a command (the background mail round).
    pub fn app(&self) -> tauri::AppHandle<MockRuntime> {
        self.window.app_handle().clone()
    }

    pub fn onboard(&self) {
        self.ok(
            "onboard",
            json!({"input": {"shop_name": "Assistenza Rossi", "technician_name": "Mario Rossi", "technician_code": "mr"}}),
        );
    }
}
