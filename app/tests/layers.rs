//! Domains call each other in one direction only (docs/architecture.md, "Who may call whom"):
//! `infra` < `session` < `accounts` < `mfa` < `recovery` < `profile` < `notifications` < `cases` <
//! `officer` < `support` < `personnel`. This test reads the sources and fails when a module
//! names one above it, so a new upward call is caught when it is written, not in review.

use std::{fs, path::Path};

/// The layers, lowest first. A module may name its own layer and those below it.
const LAYERS: [&str; 11] = [
    "infra",
    "session",
    "accounts",
    "mfa",
    "recovery",
    "profile",
    "notifications",
    "cases",
    "officer",
    "support",
    "personnel",
];

/// Shared modules outside the layers and the domain modules each may name.
const SHARED: [(&str, &[&str]); 3] = [
    // The page frame uses the session's step and sign-out, never a domain's pages or services.
    ("components.rs", &["infra", "session"]),
    ("error.rs", &["infra"]),
    // `Msg` is the catalogue of every domain's message enum: it may name only `<domain>::texts`
    // (checked by its own test below).
    ("i18n.rs", &LAYERS),
];

/// Named exceptions, each documented in docs/architecture.md.
const ALLOWED: [(&str, &str); 1] = [
    // `AppState` holds every domain's settings; `Policy.password` is a plain data type of accounts.
    ("infra/state.rs", "accounts::model::PasswordRules"),
];

fn source_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code without comments and string literals (SQL mentions tables named like modules).
fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A char literal ('x', '\n') or a lifetime ('a): skip only the literal.
                let mut lookahead = chars.clone();
                let first = lookahead.next();
                let literal = match first {
                    Some('\\') => true,
                    Some(_) => lookahead.next() == Some('\''),
                    None => false,
                };
                if literal {
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every place `code` names module `name` as a path (`name::`, or `name` inside a `use` group).
fn mentions(code: &str, name: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (line_no, line) in code.lines().enumerate() {
        let mut start = 0;
        while let Some(pos) = line[start..].find(name) {
            let at = start + pos;
            let before = line[..at].chars().next_back();
            let after = line[at + name.len()..].trim_start();
            let boundary = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let path_like =
                after.starts_with("::") || after.starts_with(',') || after.starts_with('}');
            let field_access = before == Some('.');
            if boundary && path_like && !field_access {
                found.push(format!("{}: {}", line_no + 1, line.trim()));
            }
            start = at + name.len();
        }
    }
    found
}

fn layer_of(relative: &str) -> Option<usize> {
    let top = relative.split('/').next()?;
    LAYERS.iter().position(|layer| *layer == top)
}

#[test]
fn no_module_names_a_layer_above_its_own() {
    let mut files = Vec::new();
    rust_files(source_dir(), &mut files);
    let mut violations = Vec::new();
    for path in files {
        let relative = path
            .strip_prefix(source_dir())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let allowed_names: Vec<&str> = match layer_of(&relative) {
            Some(layer) => LAYERS[..=layer].to_vec(),
            None => match SHARED.iter().find(|(file, _)| *file == relative) {
                Some((_, names)) => names.to_vec(),
                None => continue, // lib.rs: the routes name every domain's pages
            },
        };
        let code = code_only(&fs::read_to_string(&path).unwrap());
        for name in LAYERS.iter().filter(|n| !allowed_names.contains(n)) {
            for mention in mentions(&code, name) {
                let excused = ALLOWED
                    .iter()
                    .any(|(file, path)| *file == relative && mention.contains(path));
                if !excused {
                    violations.push(format!("{relative}:{mention}  (names `{name}`)"));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "modules name a layer above their own:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_message_catalogue_names_only_each_domains_texts() {
    let code = code_only(&fs::read_to_string(source_dir().join("i18n.rs")).unwrap());
    for name in LAYERS {
        for mention in mentions(&code, name) {
            assert!(
                mention.contains(&format!("{name}::texts::")),
                "i18n.rs may name only `<domain>::texts`: {mention}"
            );
        }
    }
}

#[test]
fn the_scanner_sees_paths_and_use_groups_but_not_sql_or_comments() {
    let code = code_only(
        "use crate::{\n    accounts,\n    infra::db,\n};\n// mfa::store is named here\nlet q = \"DELETE FROM mfa, accounts\";\nlet c = 'x';\nfn f<'a>(s: &'a str) { mfa::store::go(s) }\nself.accounts.len();",
    );
    assert_eq!(mentions(&code, "accounts"), vec!["2: accounts,".to_owned()]);
    assert_eq!(
        mentions(&code, "mfa"),
        vec!["8: fn f<'a>(s: &'a str) { mfa::store::go(\"\") }".replace("(\"\")", "(s)")]
    );
}
