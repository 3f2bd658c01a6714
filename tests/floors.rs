//! The crate's modules depend only downward: every `crate::NAME` in a module's files names a
//! module on a lower floor of the table in `src/lib.rs`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The floor table from the crate's documentation: module → floor.
fn floors(lib: &str) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(row) = line.strip_prefix("//! | ") else {
            continue;
        };
        let mut cells = row.split('|').map(str::trim);
        let (Some(floor), Some(modules)) = (cells.next(), cells.next()) else {
            continue;
        };
        let Ok(floor) = floor.parse::<u32>() else { continue };
        for m in modules.split(',').map(str::trim).filter(|m| !m.is_empty()) {
            assert!(out.insert(m.to_string(), floor).is_none(), "{m} is on two floors");
        }
    }
    out
}

/// The crate's top-level modules, as `pub mod NAME;` in lib.rs declares them.
fn declared(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|l| l.strip_prefix("pub mod ").or_else(|| l.strip_prefix("mod ")))
        .map(|l| l.trim_end_matches(';').trim().to_string())
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names after each `crate::` in the code (comments left out), including those of a
/// `crate::{a, b::c}` group.
fn uses(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        } else {
            out.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    out
}

/// The top-level module a file of `src/` belongs to.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let first = file.strip_prefix(src).ok()?.components().next()?;
    let name = first.as_os_str().to_str()?;
    Some(name.trim_end_matches(".rs").to_string())
}

#[test]
fn every_module_stands_on_a_floor_of_the_table() {
    let lib = fs::read_to_string("src/lib.rs").unwrap();
    let table = floors(&lib);
    let modules = declared(&lib);
    assert!(modules.len() > 10, "lib.rs declares its modules: {modules:?}");
    for m in &modules {
        assert!(
            table.contains_key(m),
            "module {m} is not in the floor table of src/lib.rs"
        );
    }
    for m in table.keys() {
        assert!(
            modules.contains(m),
            "the floor table names {m}, which lib.rs does not declare"
        );
    }
}

#[test]
fn dependencies_run_down_the_floors() {
    let src = Path::new("src");
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let table = floors(&lib);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let Some(me) = module_of(src, file) else { continue };
        let Some(&mine) = table.get(&me) else { continue };
        for other in uses(&fs::read_to_string(file).unwrap()) {
            let Some(&theirs) = table.get(&other) else {
                continue;
            };
            if other != me && theirs >= mine {
                wrong.push(format!(
                    "{}: {me} (floor {mine}) uses {other} (floor {theirs})",
                    file.display()
                ));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "dependencies that do not run down:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_sees_a_use_of_a_module_and_of_a_group() {
    assert_eq!(uses("use crate::config::Config; // crate::app"), vec!["config"]);
    assert_eq!(
        uses("use crate::{register, outbox::letter};"),
        vec!["register", "outbox"]
    );
    let table = floors("//! | floor | modules |\n//! | 2 | a, b |\n//! | 1 | c |");
    assert_eq!(table.get("b"), Some(&2));
    assert_eq!(table.get("c"), Some(&1));
}
