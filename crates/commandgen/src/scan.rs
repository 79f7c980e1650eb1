//! Reading the commands: every `#[tauri::command]` function of the commands folder, with its
//! arguments, result type and doc comment, parsed with `syn` (nothing is compiled).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::{FnArg, GenericArgument, Pat, PathArguments, ReturnType, Type};

use crate::{error, Error};

/// Argument types Tauri injects: never sent by the UI.
const INJECTED: [&str; 6] = [
    "State",
    "AppHandle",
    "Window",
    "Webview",
    "WebviewWindow",
    "Channel",
];

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

pub(crate) fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn is_injected(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|s| INJECTED.iter().any(|i| s.ident == i))
}

/// The type arguments of a path segment (`T` in `Vec<T>`).
pub(crate) fn type_args(segment: &syn::PathSegment) -> Vec<&Type> {
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
