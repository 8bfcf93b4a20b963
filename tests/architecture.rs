//! The dependency rule of `src/lib.rs`, checked on the source: every
//! module imports only the modules below it, and the core is not async. A
//! new `use crate::…` that breaks the layering fails here, naming the file.

use std::collections::BTreeSet;
use std::path::Path;

/// What each top-level module may import (besides itself). The core
/// (`model` → `engine`) is a downward pipeline; the edge (`intake` → `serve`)
/// is built on it; `serve` is the only module that knows every component;
/// `cli` is on top.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("operator_files", &["model"]),
    ("extract", &["model"]),
    ("normalize", &["model"]),
    ("detect", &["model", "normalize"]),
    ("policy", &["model"]),
    (
        "engine",
        &[
            "model",
            "operator_files",
            "extract",
            "normalize",
            "detect",
            "policy",
        ],
    ),
    ("report", &["model", "engine"]),
    ("redact", &["model"]),
    ("intake", &["model", "extract", "engine"]),
    ("upstream", &[]),
    ("metrics", &[]),
    ("store", &["model"]),
    ("rescan", &["model", "engine", "report", "store"]),
    (
        "review",
        &[
            "model", "engine", "intake", "metrics", "redact", "store", "upstream",
        ],
    ),
    (
        "gateway",
        &[
            "model", "engine", "intake", "metrics", "redact", "review", "store", "upstream",
        ],
    ),
    (
        "cluster",
        &[
            "model",
            "operator_files",
            "engine",
            "extract",
            "metrics",
            "review",
            "store",
        ],
    ),
    (
        "serve",
        &[
            "model",
            "operator_files",
            "extract",
            "engine",
            "intake",
            "metrics",
            "store",
            "upstream",
            "review",
            "gateway",
            "cluster",
        ],
    ),
    (
        "cli",
        &[
            "model",
            "operator_files",
            "extract",
            "detect",
            "engine",
            "report",
            "rescan",
            "store",
            "review",
            "serve",
        ],
    ),
];

/// The core runs on any thread and in the PDF worker: no async in it.
const CORE: &[&str] = &[
    "model",
    "operator_files",
    "extract",
    "normalize",
    "detect",
    "policy",
    "engine",
    "report",
];

/// The source of a file without comments and without the items under
/// `#[cfg(test)]` (a test module may use what it likes).
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        if trimmed.starts_with("#[cfg(test)]") {
            // Skip the item: one line (`mod tests;`) or a balanced block.
            let mut depth = 0i32;
            for item in lines.by_ref() {
                depth += item.matches('{').count() as i32 - item.matches('}').count() as i32;
                if depth <= 0 && (item.contains('}') || item.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        code.push_str(line.split(" // ").next().unwrap_or(line));
        code.push('\n');
    }
    code
}

/// Top-level modules a piece of code names through `crate::`, including
/// grouped imports (`use crate::{a::x, b};`).
fn imports(code: &str) -> BTreeSet<String> {
    // The leading identifier of a path.
    let ident = |s: &str| -> String {
        s.trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<String> = match rest.strip_prefix('{') {
            Some(group) => {
                let end = group.find('}').unwrap_or(group.len());
                group[..end].split(',').map(ident).collect()
            }
            None => vec![ident(rest)],
        };
        out.extend(names.into_iter().filter(|n| !n.is_empty()));
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/gateway/proxy.rs` →
/// `gateway`); `None` for `lib.rs` and `main.rs`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

#[test]
fn every_module_imports_only_the_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut broken = Vec::new();
    let mut seen = BTreeSet::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        seen.insert(module.clone());
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else {
            broken.push(format!(
                "{}: module `{module}` is not in the dependency rule",
                file.display()
            ));
            continue;
        };
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for import in imports(&code) {
            if import != module && !allowed.contains(&import.as_str()) {
                broken.push(format!("{}: `{module}` imports `{import}`", file.display()));
            }
        }
        if CORE.contains(&module.as_str())
            && ["async fn", ".await", "tokio::"]
                .iter()
                .any(|a| code.contains(a))
        {
            broken.push(format!("{}: the core is not async", file.display()));
        }
    }
    assert!(
        broken.is_empty(),
        "the dependency rule is broken:\n{}",
        broken.join("\n")
    );
    // Every rule names a module that exists: a renamed module cannot leave
    // the rule checking nothing.
    for (module, _) in ALLOWED {
        assert!(seen.contains(*module), "`{module}` has no source files");
    }
}

#[test]
fn the_rule_reader_sees_the_imports_it_must_see() {
    let code = code_of(
        "use crate::{gateway::x, store};\n// use crate::serve;\n#[cfg(test)]\nmod tests;\n\
         fn f() { crate::review::g(); }\n#[cfg(test)]\nmod more {\n    use crate::cli;\n}\n\
         fn g() { crate::intake::h(); }\n",
    );
    let found: Vec<String> = imports(&code).into_iter().collect();
    assert_eq!(found, ["gateway", "intake", "review", "store"]);
}
