//! The UI's typed wrappers (ui/src/lib/commands.generated.ts): Rust argument and result types
//! mapped onto the ts-rs bindings in `ui/src/bindings`.

use std::collections::BTreeSet;
use std::path::Path;

use quote::ToTokens;
use syn::Type;

use crate::scan::{last_segment, type_args};
use crate::{camel_case, error, Command, Error};

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
