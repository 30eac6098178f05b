//! docs/schema.md against the live schema of a snapshot written by the real
//! binary: every table, view and column must be documented, nothing that
//! does not exist may be, and every example query must run.
//!
//! The page's layout is the contract parsed here: a `## Tables` and a
//! `## Views` section, one `### name` heading per table or view, and a
//! Markdown table whose rows start with the column name in backticks. Table
//! rows give the declared type in the second cell. SQL examples are
//! ```sql blocks under `## Example queries`, one statement each.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

/// Kind of a schema object, as `sqlite_master.type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Table,
    View,
}

/// One documented or live table or view: its kind and its columns with
/// their declared types (empty for a view, whose types are not documented).
#[derive(Debug, PartialEq, Eq)]
struct Object {
    kind: Kind,
    columns: Vec<(String, String)>,
}

fn schema_doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema.md");
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("read {path:?}: {error}"))
}

/// Writes a demo snapshot with the real binary; the folder must outlive it.
fn demo_snapshot(dir: &Path) -> PathBuf {
    let db = dir.join("demo.db");
    let output = common::idcdb()
        .args(["sync", "--demo", "--quiet", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "demo sync failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    db
}

fn open(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn live_schema(conn: &Connection) -> BTreeMap<String, Object> {
    let mut statement = conn
        .prepare(
            "SELECT name, type FROM sqlite_master \
             WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'",
        )
        .unwrap();
    let objects: Vec<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();

    let mut schema = BTreeMap::new();
    for (name, kind) in objects {
        let kind = if kind == "view" {
            Kind::View
        } else {
            Kind::Table
        };
        let mut columns_statement = conn
            .prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap();
        let columns = columns_statement
            .query_map([&name], |row| {
                let column: String = row.get(0)?;
                let declared: String = row.get(1)?;
                Ok((column, declared))
            })
            .unwrap()
            .map(Result::unwrap)
            .map(|(column, declared)| match kind {
                Kind::Table => (column, declared),
                Kind::View => (column, String::new()),
            })
            .collect();
        schema.insert(name, Object { kind, columns });
    }
    schema
}

/// Splits a Markdown table row into trimmed cells.
fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_start_matches('|')
        .trim_end_matches('|')
        .split('|')
        .map(|cell| cell.trim().to_string())
        .collect()
}

/// Parses the `## Tables` and `## Views` sections of the page.
fn documented_schema(doc: &str) -> BTreeMap<String, Object> {
    let mut schema: BTreeMap<String, Object> = BTreeMap::new();
    let mut section: Option<Kind> = None;
    let mut current: Option<String> = None;

    for line in doc.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            section = match heading.trim() {
                "Tables" => Some(Kind::Table),
                "Views" => Some(Kind::View),
                _ => None,
            };
            current = None;
            continue;
        }
        let Some(kind) = section else {
            continue;
        };
        if let Some(name) = line.strip_prefix("### ") {
            let name = name.trim().to_string();
            let previous = schema.insert(
                name.clone(),
                Object {
                    kind,
                    columns: Vec::new(),
                },
            );
            assert!(previous.is_none(), "{name} is documented twice");
            current = Some(name);
            continue;
        }
        if !line.starts_with("| `") {
            continue;
        }
        let name = current
            .as_ref()
            .unwrap_or_else(|| panic!("column row before any ### heading: {line}"));
        let row = cells(line);
        let column = row[0].trim_matches('`').to_string();
        let (declared, meaning) = match kind {
            Kind::Table => {
                assert_eq!(row.len(), 3, "{name}.{column}: | column | type | meaning |");
                (row[1].clone(), &row[2])
            }
            Kind::View => {
                assert_eq!(row.len(), 2, "{name}.{column}: | column | meaning |");
                (String::new(), &row[1])
            }
        };
        assert!(!meaning.is_empty(), "{name}.{column} has no meaning");
        schema
            .get_mut(name)
            .unwrap()
            .columns
            .push((column, declared));
    }
    schema
}

#[test]
fn schema_doc_matches_live_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_snapshot(dir.path());
    let live = live_schema(&open(&db));
    let documented = documented_schema(&schema_doc());
    assert!(live.len() > 20, "the live schema has its tables: {live:?}");

    let missing: Vec<&String> = live
        .keys()
        .filter(|name| !documented.contains_key(*name))
        .collect();
    assert!(missing.is_empty(), "docs/schema.md lacks {missing:?}");
    let invented: Vec<&String> = documented
        .keys()
        .filter(|name| !live.contains_key(*name))
        .collect();
    assert!(
        invented.is_empty(),
        "docs/schema.md documents {invented:?}, which the schema does not have"
    );

    for (name, object) in &live {
        let doc = &documented[name];
        assert_eq!(
            doc.kind, object.kind,
            "{name} is documented in the wrong section"
        );
        let mut live_columns = object.columns.clone();
        let mut doc_columns = doc.columns.clone();
        live_columns.sort();
        doc_columns.sort();
        let missing: Vec<_> = live_columns
            .iter()
            .filter(|column| !doc_columns.contains(column))
            .collect();
        let invented: Vec<_> = doc_columns
            .iter()
            .filter(|column| !live_columns.contains(column))
            .collect();
        assert!(
            missing.is_empty() && invented.is_empty(),
            "{name}: (column, type) pairs missing from docs/schema.md {missing:?}; documented \
             but not in the schema {invented:?}"
        );
    }
}

/// Collects the SQL of each ```sql block under `## Example queries`.
fn example_queries(doc: &str) -> Vec<String> {
    let examples = doc
        .split_once("\n## Example queries")
        .expect("docs/schema.md has an Example queries section")
        .1;
    let mut queries = Vec::new();
    let mut current: Option<String> = None;
    for line in examples.lines() {
        match (&mut current, line.trim()) {
            (None, "```sql") => current = Some(String::new()),
            (Some(sql), "```") => {
                queries.push(std::mem::take(sql));
                current = None;
            }
            (Some(sql), _) => {
                sql.push_str(line);
                sql.push('\n');
            }
            (None, _) => {}
        }
    }
    queries
}

#[test]
fn schema_doc_examples_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_snapshot(dir.path());
    let conn = open(&db);

    let queries = example_queries(&schema_doc());
    assert!(queries.len() >= 8, "found {} examples", queries.len());
    for sql in queries {
        // prepare rejects a block with a second statement.
        let mut statement = conn
            .prepare(&sql)
            .unwrap_or_else(|error| panic!("example fails: {error}\n{sql}"));
        assert!(statement.readonly(), "example changes the file:\n{sql}");
        let mut rows = statement.query([]).unwrap();
        rows.next()
            .unwrap_or_else(|error| panic!("example fails: {error}\n{sql}"));
    }
}
