//! `server import accounts FILE`: places accounts from a CSV placement file through the same
//! parsing and store path as `PUT /api/v1/accounts/{ref}`, and reports every row: created,
//! updated, unchanged, or refused with its reasons. Good rows are applied even when others are
//! refused; the command exits non-zero if any row was refused.

use std::collections::HashSet;
use std::path::Path;

use app::server::clock::{parse_zone, LenderClock};
use app::server::db::Db;
use app::server::lender::placement::{
    self, AccountPlacement, BatchItemResult, BorrowerPlacement, Candidate, ItemOutcome, Placement,
};
use app::server::lender::{operator_viewer, FieldProblem};
use app::server::store::audit::Actor;

use crate::cli::ServeArgs;

/// The columns, in the order a template would list them; every one must be in the header.
const COLUMNS: [&str; 12] = [
    "external_ref",
    "lender_name",
    "currency",
    "principal_minor",
    "interest_minor",
    "fees_minor",
    "oldest_unpaid_due",
    "as_of",
    "borrower_full_name",
    "borrower_phone",
    "borrower_date_of_birth",
    "borrower_email",
];

/// One data row of the file: its line number and what it asks, or why it cannot be read.
struct Row {
    line: u64,
    candidate: Candidate,
}

/// The API names fields as JSON paths (`borrower.phone`); the file's columns flatten them.
fn column_of(problem: FieldProblem) -> FieldProblem {
    FieldProblem {
        field: problem.field.replace('.', "_"),
        ..problem
    }
}

fn whole_number(column: &str, text: &str, problems: &mut Vec<FieldProblem>) -> i64 {
    text.trim().parse::<i64>().unwrap_or_else(|_| {
        problems.push(FieldProblem::new(
            column,
            "integer_invalid",
            "Give a whole number of minor units (e.g. 1200000 for 12,000.00).",
        ));
        0
    })
}

/// Reads one record into a candidate, with the same rules as the API.
fn candidate_of(record: &csv::StringRecord, positions: &[usize; 12], today: chrono::NaiveDate) -> Candidate {
    let field = |column: usize| record.get(positions[column]).unwrap_or_default().to_owned();
    let mut problems = Vec::new();
    let raw = AccountPlacement {
        lender_name: field(1),
        currency: field(2),
        principal_minor: whole_number(COLUMNS[3], &field(3), &mut problems),
        interest_minor: whole_number(COLUMNS[4], &field(4), &mut problems),
        fees_minor: whole_number(COLUMNS[5], &field(5), &mut problems),
        oldest_unpaid_due: field(6).trim().to_owned(),
        as_of: field(7).trim().to_owned(),
        borrower: BorrowerPlacement {
            full_name: field(8),
            phone: field(9),
            date_of_birth: field(10).trim().to_owned(),
            email: Some(field(11)),
        },
    };
    let external_ref = field(0).trim().to_owned();
    let parsed = match Placement::parse(&external_ref, &raw, "", today) {
        Ok(placement) if problems.is_empty() => Ok(placement),
        Ok(_) => Err(problems),
        Err(more) => {
            // A column that is not a number also fails the amount rules: report it once.
            let columns: HashSet<String> = problems.iter().map(|p| p.field.clone()).collect();
            problems.extend(more.into_iter().map(column_of).filter(|p| !columns.contains(&p.field)));
            Err(problems)
        }
    };
    Candidate { external_ref, parsed }
}

/// Reads every row; a file that cannot be read at all, or lacks a column, is refused whole.
fn read_rows(path: &Path, today: chrono::NaiveDate) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header row of {}: {e}", path.display()))?
        .clone();
    let unknown: Vec<&str> = headers.iter().filter(|h| !COLUMNS.contains(h)).collect();
    if !unknown.is_empty() {
        return Err(format!(
            "unknown columns {unknown:?}: the columns are {}",
            COLUMNS.join(",")
        ));
    }
    let mut positions = [0usize; 12];
    for (slot, column) in positions.iter_mut().zip(COLUMNS) {
        *slot = headers.iter().position(|h| h == column).ok_or_else(|| {
            format!(
                "the header row lacks the column {column:?}: the columns are {}",
                COLUMNS.join(",")
            )
        })?;
    }
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for (index, record) in reader.records().enumerate() {
        // The header is line 1; a record's own position is exact even with quoted line breaks.
        let fallback_line = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(2);
        let row = match record {
            Ok(record) => {
                let line = record.position().map_or(fallback_line, |p| p.line());
                let mut candidate = candidate_of(&record, &positions, today);
                if candidate.parsed.is_ok() && !seen.insert(candidate.external_ref.clone()) {
                    candidate.parsed = Err(vec![placement::repeated_reference()]);
                }
                Row { line, candidate }
            }
            Err(e) => Row {
                line: e.position().map_or(fallback_line, |p| p.line()),
                candidate: Candidate {
                    external_ref: String::new(),
                    parsed: Err(vec![FieldProblem::new(
                        "row",
                        "row_unreadable",
                        format!("The row cannot be read: {e}"),
                    )]),
                },
            },
        };
        rows.push(row);
    }
    Ok(rows)
}

fn report_line(line: u64, result: &BatchItemResult) -> String {
    let outcome = match result.outcome {
        ItemOutcome::Created => "created",
        ItemOutcome::Updated => "updated",
        ItemOutcome::Unchanged => "unchanged",
        ItemOutcome::Refused => "refused",
    };
    let reference = if result.external_ref.is_empty() {
        "-"
    } else {
        &result.external_ref
    };
    let reasons: Vec<String> = result
        .errors
        .iter()
        .map(|p| format!("{} ({}): {}", p.field, p.code, p.message))
        .collect();
    if reasons.is_empty() {
        format!("row {line}\t{reference}\t{outcome}")
    } else {
        format!("row {line}\t{reference}\t{outcome}\t{}", reasons.join("; "))
    }
}

pub async fn accounts(args: &ServeArgs, file: &Path) -> Result<(), String> {
    let clock = LenderClock {
        zone: parse_zone(&args.time_zone)?,
        fixed_today: args.today,
    };
    let rows = read_rows(file, clock.today())?;
    if rows.is_empty() {
        return Err(format!("{} has no data rows", file.display()));
    }
    let db = Db::open(&args.database_url, 2).await.map_err(|e| e.to_string())?;
    let command = format!("import accounts {}", file.display());
    let viewer = operator_viewer(&command);
    let actor = Actor::Operator { command: &command };
    let mut refused = 0usize;
    let total = rows.len();
    let mut rows = rows.into_iter().peekable();
    // One transaction per thousand rows, as for a batch request.
    while rows.peek().is_some() {
        let chunk: Vec<Row> = rows.by_ref().take(placement::MAX_BATCH).collect();
        let lines: Vec<u64> = chunk.iter().map(|r| r.line).collect();
        let candidates = chunk.into_iter().map(|r| r.candidate).collect();
        let response = placement::place_all(&db, &viewer, actor, candidates)
            .await
            .map_err(|e| format!("the import stopped: {}", e.problem().detail))?;
        for (line, result) in lines.iter().zip(&response.results) {
            println!("{}", report_line(*line, result));
        }
        refused += usize::try_from(response.refused).unwrap_or(usize::MAX);
    }
    println!("{total} rows read: {} applied, {refused} refused.", total - refused);
    if refused > 0 {
        return Err(format!(
            "{refused} of {total} rows were refused (see above); the others were applied"
        ));
    }
    Ok(())
}
