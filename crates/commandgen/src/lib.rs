//! # rapportino-commandgen
//!
//! One declaration per app command: the `#[tauri::command]` functions in
//! `src-tauri/src/commands/*.rs` are the only list of commands. This crate reads them as source
//! (with `syn`, nothing is compiled, no Tauri needed) and generates everything else from them:
//!
//! - [`handler_rs`]: the `generate_handler![…]` list and `COMMANDS`, written into `OUT_DIR` by
//!   `src-tauri/build.rs` and included by `src-tauri/src/commands/mod.rs`; build.rs also passes
//!   [`Command::name`]s to `tauri_build::AppManifest::commands` (one `allow-<command>`
//!   permission each);
//! - [`capability_json`]: `src-tauri/capabilities/default.json`, granting each command to the main
//!   window (committed: Tauri's build reads it);
//! - [`typescript`]: `ui/src/lib/commands.generated.ts`, one typed function per command, its
//!   argument and result types from the ts-rs bindings in `ui/src/bindings` (committed: the UI is
//!   built before cargo runs).
//!
//! The test `tests/generated.rs` fails when a committed file differs from a fresh generation;
//! `UPDATE_COMMANDS=1 cargo test -p rapportino-commandgen` rewrites them ([`write_committed`]).
//!
//! What a command may look like: any `fn` (async or not) with `#[tauri::command(…)]` in a file of
//! the commands folder; arguments of the types the UI sends (strings, numbers, booleans, `Option`,
//! `Vec`, and types with a ts-rs binding) besides Tauri's injected `State`, `AppHandle`, `Window`,
//! `Webview`, `WebviewWindow`; the result `CmdResult<T>` (or `Result<T, _>`, or `T`), `T` a type
//! the bindings know. The argument keys on the wire follow `rename_all` (this app:
//! `snake_case`, like the bindings; Tauri's default is camelCase).

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::{FnArg, GenericArgument, Pat, PathArguments, ReturnType, Type};

/// The permissions the main window has besides its own commands: set its title (the running
/// timer) and listen to the app's events (sync state, the statements batch's progress).
pub const WINDOW_PERMISSIONS: [&str; 3] = [
    "core:window:allow-set-title",
    "core:event:allow-listen",
    "core:event:allow-unlisten",
];

/// The label of the window the commands are granted to.
pub const WINDOW: &str = "main";

/// Argument types Tauri injects: never sent by the UI.
const INJECTED: [&str; 6] = [
    "State",
    "AppHandle",
    "Window",
    "Webview",
    "WebviewWindow",
    "Channel",
];

/// Why the commands could not be read or typed: the file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for Error {}

fn error(file: &Path, message: impl Into<String>) -> Error {
    Error {
        file: file.to_path_buf(),
        message: message.into(),
    }
}

/// One argument the UI sends.
#[derive(Debug, Clone)]
pub struct Arg {
    /// The Rust parameter name (`client_id`).
    pub name: String,
    /// The key on the wire (`client_id` under `rename_all = "snake_case"`, else `clientId`).
    pub key: String,
    pub ty: Type,
}

/// One `#[tauri::command]` function.
#[derive(Debug, Clone)]
pub struct Command {
    /// The file's module under `commands` (`backup` for `backup.rs`).
    pub module: String,
    /// The function's name: the command's name on the wire and in the permission.
    pub name: String,
    /// The doc comment's lines.
    pub docs: Vec<String>,
    /// What the UI sends, in order (Tauri's injected arguments left out).
    pub args: Vec<Arg>,
    /// What a successful call returns (`T` of `CmdResult<T>`).
    pub returns: Type,
}

impl Command {
    /// The permission `tauri_build` generates for it (`allow-list-backups`).
    pub fn permission(&self) -> String {
        format!("allow-{}", self.name.replace('_', "-"))
    }

    /// The TypeScript function's name (`listBackups`).
    pub fn ts_name(&self) -> String {
        camel_case(&self.name)
    }
}

/// `list_backups` → `listBackups`.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every command in the `.rs` files of `dir` but `mod.rs`: files by name, functions in the
/// order they are written.
pub fn scan(dir: &Path) -> Result<Vec<Command>, Error> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| error(dir, format!("cannot read the commands folder: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| p.file_name().is_some_and(|n| n != "mod.rs"))
        .collect();
    files.sort();
    let mut commands = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).map_err(|e| error(file, e.to_string()))?;
        let module = file
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| error(file, "a file name that is not UTF-8"))?;
        commands.extend(parse_file(file, module, &source)?);
    }
    let mut seen = BTreeSet::new();
    for c in &commands {
        if !seen.insert(c.name.as_str()) {
            return Err(error(dir, format!("two commands named {}", c.name)));
        }
    }
    Ok(commands)
}

/// The commands of one file's source (`file` names it in errors).
pub fn parse_file(file: &Path, module: &str, source: &str) -> Result<Vec<Command>, Error> {
    let parsed = syn::parse_file(source).map_err(|e| error(file, e.to_string()))?;
    let mut out = Vec::new();
    for item in parsed.items {
        let syn::Item::Fn(f) = item else { continue };
        let Some(attr) = f.attrs.iter().find(|a| is_command_attr(a)) else {
            continue;
        };
        let name = f.sig.ident.to_string();
        let at = |m: String| error(file, format!("command {name}: {m}"));
        if !matches!(f.vis, syn::Visibility::Public(_)) {
            return Err(at("a command must be `pub`".into()));
        }
        let snake_case = rename_all(attr).map_err(|e| at(e.to_string()))?;
        let mut args = Vec::new();
        for input in &f.sig.inputs {
            let FnArg::Typed(pt) = input else {
                return Err(at("a command takes no `self`".into()));
            };
            if is_injected(&pt.ty) {
                continue;
            }
            let Pat::Ident(id) = pt.pat.as_ref() else {
                return Err(at("each argument needs a plain name".into()));
            };
            let arg_name = id.ident.to_string();
            args.push(Arg {
                key: if snake_case {
                    arg_name.clone()
                } else {
                    camel_case(&arg_name)
                },
                name: arg_name,
                ty: (*pt.ty).clone(),
            });
        }
        let returns = match &f.sig.output {
            ReturnType::Default => syn::parse_quote!(()),
            ReturnType::Type(_, ty) => ok_type(ty),
        };
        out.push(Command {
            module: module.to_owned(),
            name,
            docs: doc_lines(&f.attrs),
            args,
            returns,
        });
    }
    Ok(out)
}

fn is_command_attr(attr: &syn::Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments == ["tauri", "command"] || segments == ["command"]
}

/// Whether `#[tauri::command(rename_all = "snake_case")]` names the arguments in snake_case on
/// the wire (else Tauri's default, camelCase).
fn rename_all(attr: &syn::Attribute) -> syn::Result<bool> {
    if matches!(attr.meta, syn::Meta::Path(_)) {
        return Ok(false);
    }
    let mut snake = false;
    attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("rename_all") {
            let value: syn::LitStr = meta.value()?.parse()?;
            match value.value().as_str() {
                "snake_case" => snake = true,
                "camelCase" => snake = false,
                other => return Err(meta.error(format!("rename_all = {other:?} is not supported"))),
            }
        } else if meta.input.peek(syn::Token![=]) {
            // root = "…" and the like: not about the arguments.
            let _: syn::Expr = meta.value()?.parse()?;
        }
        Ok(())
    })?;
    Ok(snake)
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn is_injected(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|s| INJECTED.iter().any(|i| s.ident == i))
}

/// The type arguments of a path segment (`T` in `Vec<T>`).
fn type_args(segment: &syn::PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `T` of `CmdResult<T>` or `Result<T, E>`; the type itself otherwise.
fn ok_type(ty: &Type) -> Type {
    if let Some(s) = last_segment(ty) {
        if s.ident == "CmdResult" || s.ident == "Result" {
            if let Some(first) = type_args(s).first() {
                return (*first).clone();
            }
        }
    }
    ty.clone()
}

fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| {
            line.strip_prefix(' ')
                .unwrap_or(&line)
                .trim_end()
                .to_owned()
        })
        .collect()
}

// ---- Rust source for src-tauri (OUT_DIR) ----

/// `COMMANDS` and `handler()`, for `include!` in `src-tauri/src/commands/mod.rs`.
pub fn handler_rs(commands: &[Command]) -> String {
    let mut s = String::from(
        "// Generated by rapportino-commandgen from the #[tauri::command] functions in this folder.\n\n\
         /// Every command the UI may call, by name (each has its `allow-<name>` permission, granted\n\
         /// to the main window in capabilities/default.json).\n\
         pub const COMMANDS: &[&str] = &[\n",
    );
    for c in commands {
        s.push_str(&format!("    {:?},\n", c.name));
    }
    s.push_str(
        "];\n\n\
         /// The invoke handler with every command registered.\n\
         pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {\n\
         \x20   tauri::generate_handler![\n",
    );
    for c in commands {
        s.push_str(&format!("        {}::{},\n", c.module, c.name));
    }
    s.push_str("    ]\n}\n");
    s
}

// ---- The capability (src-tauri/capabilities/default.json) ----

/// The main window's capability: [`WINDOW_PERMISSIONS`] and each command's permission.
pub fn capability_json(commands: &[Command]) -> String {
    let mut permissions: Vec<String> = WINDOW_PERMISSIONS.iter().map(|p| p.to_string()).collect();
    permissions.extend(commands.iter().map(Command::permission));
    let list = permissions
        .iter()
        .map(|p| format!("    \"{p}\""))
        .collect::<Vec<_>>()
        .join(",\n");
    format!(
        r#"{{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "default",
  "description": "Generated by rapportino-commandgen from src-tauri/src/commands (do not edit). The main window: Rapportino's own commands, one by one, setting its own title (running timer) and listening to app events (sync state, the statements batch's progress).",
  "windows": [
    "{WINDOW}"
  ],
  "local": true,
  "permissions": [
{list}
  ]
}}
"#
    )
}

// ---- The UI's wrappers (ui/src/lib/commands.generated.ts) ----

/// A TypeScript type for a Rust type, collecting the bindings it imports.
struct TsTypes<'a> {
    bindings: &'a Path,
    imports: BTreeSet<String>,
}

impl TsTypes<'_> {
    fn ts(&mut self, ty: &Type) -> Result<String, String> {
        let shown = || ty.to_token_stream().to_string();
        match ty {
            Type::Reference(r) => self.ts(&r.elem),
            Type::Paren(p) => self.ts(&p.elem),
            Type::Tuple(t) if t.elems.is_empty() => Ok("null".into()),
            Type::Tuple(t) => {
                let parts = t
                    .elems
                    .iter()
                    .map(|e| self.ts(e))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(format!("[{}]", parts.join(", ")))
            }
            Type::Path(_) => {
                let Some(seg) = last_segment(ty) else {
                    return Err(format!("no TypeScript type for `{}`", shown()));
                };
                let name = seg.ident.to_string();
                let args = type_args(seg);
                let one = |this: &mut Self| -> Result<String, String> {
                    match args.as_slice() {
                        [t] => this.ts(t),
                        _ => Err(format!("`{}` needs one type argument", shown())),
                    }
                };
                match name.as_str() {
                    "String" | "str" | "char" | "PathBuf" => Ok("string".into()),
                    "bool" => Ok("boolean".into()),
                    "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize"
                    | "isize" | "f32" | "f64" => Ok("number".into()),
                    "Option" => Ok(format!("{} | null", one(self)?)),
                    "Vec" => {
                        let inner = one(self)?;
                        Ok(if inner.contains(' ') {
                            format!("({inner})[]")
                        } else {
                            format!("{inner}[]")
                        })
                    }
                    "Box" | "Arc" => one(self),
                    _ => {
                        if !self.bindings.join(format!("{name}.ts")).is_file() {
                            return Err(format!(
                                "`{}` has no TypeScript binding ({}/{name}.ts): derive ts_rs::TS \
                                 on it and export it in crates/core/src/bindings.rs",
                                shown(),
                                self.bindings.display()
                            ));
                        }
                        self.imports.insert(name.clone());
                        if args.is_empty() {
                            Ok(name)
                        } else {
                            let inner = args
                                .iter()
                                .map(|t| self.ts(t))
                                .collect::<Result<Vec<_>, _>>()?;
                            Ok(format!("{name}<{}>", inner.join(", ")))
                        }
                    }
                }
            }
            _ => Err(format!("no TypeScript type for `{}`", shown())),
        }
    }
}

fn is_option(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "Option")
}

fn js_doc(lines: &[String], out: &mut String) {
    let lines: Vec<String> = lines.iter().map(|l| l.replace("*/", "*\\/")).collect();
    match lines.as_slice() {
        [] => {}
        [one] => out.push_str(&format!("/** {one} */\n")),
        many => {
            out.push_str("/**\n");
            for l in many {
                if l.is_empty() {
                    out.push_str(" *\n");
                } else {
                    out.push_str(&format!(" * {l}\n"));
                }
            }
            out.push_str(" */\n");
        }
    }
}

/// The TypeScript module: one `export const name = (…) => call<T>('name', {…})` per command.
/// Trailing `Option` arguments default to null. `bindings` is the folder of the ts-rs bindings
/// (a type without a file there is an error); the module imports them from `../bindings/`.
pub fn typescript(commands: &[Command], bindings: &Path) -> Result<String, Error> {
    let mut types = TsTypes {
        bindings,
        imports: BTreeSet::new(),
    };
    let mut body = String::new();
    let mut module = "";
    for c in commands {
        let at = |m: String| {
            error(
                Path::new(&format!("src-tauri/src/commands/{}.rs", c.module)),
                format!("command {}: {m}", c.name),
            )
        };
        if c.module != module {
            module = &c.module;
            body.push_str(&format!("\n// {module}.rs\n"));
        }
        body.push('\n');
        js_doc(&c.docs, &mut body);
        let optional_from = c
            .args
            .iter()
            .rposition(|a| !is_option(&a.ty))
            .map_or(0, |i| i + 1);
        let mut params = Vec::new();
        let mut keys = Vec::new();
        for (i, a) in c.args.iter().enumerate() {
            let ts = types.ts(&a.ty).map_err(at)?;
            let name = camel_case(&a.name);
            params.push(if i >= optional_from {
                format!("{name}: {ts} = null")
            } else {
                format!("{name}: {ts}")
            });
            keys.push(if a.key == name {
                name
            } else {
                format!("{}: {name}", a.key)
            });
        }
        let returns = types.ts(&c.returns).map_err(at)?;
        let args = if keys.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", keys.join(", "))
        };
        body.push_str(&format!(
            "export const {} = ({}) => call<{returns}>('{}'{args});\n",
            c.ts_name(),
            params.join(", "),
            c.name
        ));
    }
    let mut out = String::from(
        "// Generated by rapportino-commandgen from the #[tauri::command] functions in\n\
         // src-tauri/src/commands/: do not edit. Regenerate with\n\
         //   UPDATE_COMMANDS=1 cargo test -p rapportino-commandgen\n\
         // One typed function per command; a failed call rejects with an AppError (./call.ts).\n\n\
         import { call } from './call';\n",
    );
    for name in &types.imports {
        out.push_str(&format!(
            "import type {{ {name} }} from '../bindings/{name}';\n"
        ));
    }
    out.push_str(&body);
    Ok(out)
}

// ---- The committed files ----

/// Where the generated files live, from the repository's root.
#[derive(Debug, Clone)]
pub struct Layout {
    pub commands_dir: PathBuf,
    pub bindings_dir: PathBuf,
    pub capability: PathBuf,
    pub typescript: PathBuf,
}

impl Layout {
    pub fn of_repository(root: &Path) -> Layout {
        Layout {
            commands_dir: root.join("src-tauri/src/commands"),
            bindings_dir: root.join("ui/src/bindings"),
            capability: root.join("src-tauri/capabilities/default.json"),
            typescript: root.join("ui/src/lib/commands.generated.ts"),
        }
    }

    /// Each committed file with what it should hold now.
    pub fn generate(&self) -> Result<Vec<(PathBuf, String)>, Error> {
        let commands = scan(&self.commands_dir)?;
        Ok(vec![
            (self.capability.clone(), capability_json(&commands)),
            (
                self.typescript.clone(),
                typescript(&commands, &self.bindings_dir)?,
            ),
        ])
    }

    /// The committed files that differ from a fresh generation (missing ones included).
    pub fn stale(&self) -> Result<Vec<PathBuf>, Error> {
        Ok(self
            .generate()?
            .into_iter()
            .filter(|(path, text)| std::fs::read_to_string(path).ok().as_deref() != Some(text))
            .map(|(path, _)| path)
            .collect())
    }
}

/// Rewrites the committed files that are stale; returns them.
pub fn write_committed(layout: &Layout) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    for (path, text) in layout.generate()? {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(|e| error(&path, e.to_string()))?;
            written.push(path);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const SAMPLE: &str = r#"
        use tauri::State;

        /// The backups folder and what it holds.
        ///
        /// Newest first; `*/` stays inside the comment.
        #[tauri::command(async, rename_all = "snake_case")]
        pub fn list_backups(state: State<'_, AppState>) -> CmdResult<Backups> { todo!() }

        #[tauri::command(rename_all = "snake_case")]
        pub async fn restore_backup<R: Runtime>(
            app: AppHandle<R>,
            client_id: String,
            path: Option<String>,
            as_new_device: Option<bool>,
        ) -> CmdResult<Option<Restored>> { todo!() }

        #[tauri::command]
        pub fn set_logo(logo_path: Option<String>, size: u32) -> Result<Option<(u32, u32)>, E> { todo!() }

        #[tauri::command(async)]
        pub fn pages(list: Vec<Option<String>>, p: Page<Client>) -> CmdResult<Vec<Client>> { todo!() }

        #[tauri::command]
        pub fn nothing() {}

        pub fn not_a_command(x: u32) {}
    "#;

    fn sample() -> Vec<Command> {
        parse_file(Path::new("backup.rs"), "backup", SAMPLE).unwrap()
    }

    fn bindings() -> tempfile_dir::Dir {
        tempfile_dir::Dir::with(&["Backups", "Restored", "Page", "Client"])
    }

    /// A throw-away folder of empty binding files (no dev-dependency needed).
    mod tempfile_dir {
        use std::path::PathBuf;

        pub struct Dir(pub PathBuf);

        impl Dir {
            pub fn with(names: &[&str]) -> Dir {
                let dir = std::env::temp_dir().join(format!(
                    "commandgen-{}-{:?}",
                    std::process::id(),
                    std::thread::current().id()
                ));
                std::fs::create_dir_all(&dir).unwrap();
                for n in names {
                    std::fs::write(dir.join(format!("{n}.ts")), "").unwrap();
                }
                Dir(dir)
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn reads_commands_their_arguments_and_results() {
        let c = sample();
        let names: Vec<&str> = c.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "list_backups",
                "restore_backup",
                "set_logo",
                "pages",
                "nothing"
            ]
        );
        assert!(c[0].args.is_empty(), "State is injected");
        assert_eq!(
            c[0].docs,
            [
                "The backups folder and what it holds.",
                "",
                "Newest first; `*/` stays inside the comment."
            ]
        );
        let keys: Vec<&str> = c[1].args.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["client_id", "path", "as_new_device"], "snake_case");
        assert_eq!(c[2].args[0].key, "logoPath", "Tauri's default: camelCase");
        assert_eq!(c[1].permission(), "allow-restore-backup");
        assert_eq!(c[1].ts_name(), "restoreBackup");
    }

    #[test]
    fn types_and_defaults_in_typescript() {
        let dir = bindings();
        let ts = typescript(&sample(), &dir.0).unwrap();
        assert!(ts.contains("import type { Backups } from '../bindings/Backups';"));
        assert!(ts.contains("export const listBackups = () => call<Backups>('list_backups');"));
        assert!(ts.contains(
            "export const restoreBackup = (clientId: string, path: string | null = null, \
             asNewDevice: boolean | null = null) => call<Restored | null>('restore_backup', \
             { client_id: clientId, path, as_new_device: asNewDevice });"
        ));
        // An Option before a required argument has no default.
        assert!(ts.contains(
            "export const setLogo = (logoPath: string | null, size: number) => \
             call<[number, number] | null>('set_logo', { logoPath, size });"
        ));
        assert!(ts.contains(
            "export const pages = (list: (string | null)[], p: Page<Client>) => \
             call<Client[]>('pages', { list, p });"
        ));
        assert!(ts.contains("export const nothing = () => call<null>('nothing');"));
        assert!(ts.contains("`*\\/` stays inside"));
        assert!(!ts.contains("not_a_command") && !ts.contains("notACommand"));
    }

    #[test]
    fn a_type_without_a_binding_is_an_error() {
        let dir = tempfile_dir::Dir::with(&["Backups"]);
        let e = typescript(&sample(), &dir.0).unwrap_err();
        assert!(e.message.contains("restore_backup"), "{e}");
        assert!(e.message.contains("Restored"), "{e}");
    }

    #[test]
    fn the_handler_and_the_capability_list_every_command() {
        let c = sample();
        let rs = handler_rs(&c);
        assert!(rs.contains("\"restore_backup\",\n"));
        assert!(rs.contains("backup::restore_backup,\n"));
        syn::parse_file(&rs).unwrap();
        let json = capability_json(&c);
        assert!(json.contains("\"allow-list-backups\""));
        assert!(json.contains("\"core:window:allow-set-title\""));
        assert_eq!(json.matches("\"allow-").count(), c.len());
    }

    #[test]
    fn commands_must_be_public_and_named_once() {
        let private = "#[tauri::command] fn hidden() {}";
        let e = parse_file(Path::new("x.rs"), "x", private).unwrap_err();
        assert!(e.message.contains("pub"), "{e}");
        let odd = r#"#[tauri::command(rename_all = "kebab-case")] pub fn a() {}"#;
        assert!(parse_file(Path::new("x.rs"), "x", odd).is_err());
    }

    #[test]
    fn camel_case_of_snake_case() {
        assert_eq!(camel_case("list_backups"), "listBackups");
        assert_eq!(camel_case("search"), "search");
        assert_eq!(camel_case("as_new_device"), "asNewDevice");
    }
}
