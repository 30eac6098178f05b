//! The catalog of bundled reports and the header every `queries/*.sql`
//! file opens with.
//!
//! A header is a block of `--` comment lines before the first SQL line:
//!
//! ```sql
//! -- title: Account access
//! -- question: Who can reach which AWS account, with which permission set,
//! --   and through which path?
//! -- param account (optional): AWS account ID to show
//! -- requires: account_assignments, users
//! ```
//!
//! A line indented by two spaces after `--` continues the previous entry.
//! `requires` names the `coverage` parts the report depends on, so `query`
//! can warn when one of them was not read completely.

/// A bundled report: a SQL file from `queries/`, compiled into the binary.
#[derive(Debug)]
pub struct Report {
    pub name: &'static str,
    pub sql: &'static str,
}

/// A named parameter of a report, bound as `:name` in its SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub required: bool,
    pub description: String,
}

/// The parsed header of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub title: String,
    pub question: String,
    pub params: Vec<Param>,
    pub requires: Vec<String>,
}

macro_rules! report {
    ($name:literal) => {
        Report {
            name: $name,
            sql: include_str!(concat!("../../queries/", $name, ".sql")),
        }
    };
}

/// Every bundled report, in the order `idcdb reports` lists them.
pub const REPORTS: &[Report] = &[
    report!("account-access"),
    report!("access-by-account"),
    report!("user-access"),
    report!("privileged-access"),
    report!("permission-sets"),
    report!("group-members"),
    report!("application-access"),
    report!("orphaned-assignments"),
    report!("unused-permission-sets"),
    report!("empty-groups"),
    report!("disabled-users-with-access"),
    report!("users-without-access"),
];

impl Report {
    pub fn header(&self) -> Header {
        parse_header(self.sql)
    }
}

/// Parses the leading comment block of a report's SQL.
pub fn parse_header(sql: &str) -> Header {
    enum Entry {
        None,
        Title,
        Question,
        Param,
    }
    let mut header = Header::default();
    let mut last = Entry::None;

    for line in sql.lines() {
        let Some(comment) = line.trim_start().strip_prefix("--") else {
            break;
        };
        if let Some(continuation) = comment.strip_prefix("   ") {
            let text = continuation.trim();
            let target = match last {
                Entry::Title => &mut header.title,
                Entry::Question => &mut header.question,
                Entry::Param => match header.params.last_mut() {
                    Some(param) => &mut param.description,
                    None => continue,
                },
                Entry::None => continue,
            };
            target.push(' ');
            target.push_str(text);
            continue;
        }

        let comment = comment.trim();
        if let Some(title) = comment.strip_prefix("title:") {
            header.title = title.trim().to_string();
            last = Entry::Title;
        } else if let Some(question) = comment.strip_prefix("question:") {
            header.question = question.trim().to_string();
            last = Entry::Question;
        } else if let Some(param) = comment.strip_prefix("param ") {
            if let Some(param) = parse_param(param) {
                header.params.push(param);
                last = Entry::Param;
            }
        } else if let Some(requires) = comment.strip_prefix("requires:") {
            header.requires = requires
                .split(',')
                .map(|part| part.trim().to_string())
                .filter(|part| !part.is_empty())
                .collect();
            last = Entry::None;
        } else {
            last = Entry::None;
        }
    }
    header
}

/// Parses `name (optional): description` or `name (required): description`.
fn parse_param(text: &str) -> Option<Param> {
    let (declaration, description) = text.split_once(':')?;
    let mut words = declaration.split_whitespace();
    let name = words.next()?.to_string();
    let required = match words.next() {
        Some("(required)") | None => true,
        Some("(optional)") => false,
        Some(_) => return None,
    };
    Some(Param {
        name,
        required,
        description: description.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_with_continuations_and_params() {
        let sql = "-- title: Account access\n\
                   -- question: Who can reach\n\
                   --   which account?\n\
                   -- param account (optional): an account ID\n\
                   --   of twelve digits\n\
                   -- param user (required): a user name\n\
                   -- requires: account_assignments, users\n\
                   --\n\
                   -- Free text that is not part of the header.\n\
                   SELECT 1;\n";
        let header = parse_header(sql);

        assert_eq!(header.title, "Account access");
        assert_eq!(header.question, "Who can reach which account?");
        assert_eq!(header.params.len(), 2);
        assert_eq!(header.params[0].name, "account");
        assert!(!header.params[0].required);
        assert_eq!(
            header.params[0].description,
            "an account ID of twelve digits"
        );
        assert!(header.params[1].required);
        assert_eq!(header.requires, ["account_assignments", "users"]);
    }

    #[test]
    fn every_bundled_report_has_a_header() {
        for report in REPORTS {
            let header = report.header();
            assert!(!header.title.is_empty(), "{} has no title", report.name);
            assert!(
                !header.question.is_empty(),
                "{} has no question",
                report.name
            );
        }
    }

    #[test]
    fn catalog_lists_every_queries_file() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/queries");
        let mut files: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql"))
            .map(|name| name.trim_end_matches(".sql").to_string())
            .collect();
        files.sort();
        let mut listed: Vec<String> = REPORTS
            .iter()
            .map(|report| report.name.to_string())
            .collect();
        listed.sort();
        assert_eq!(files, listed);
    }
}
