//! CSV as spreadsheets write and read it (RFC 4180): reading a collector's payment file and
//! writing exports. Written here rather than pulled in because both directions are small and
//! the export needs one rule no library applies for us: cells a spreadsheet would run as a
//! formula are defused.

/// Why a file could not be read as CSV at all (the row it happened on, as a spreadsheet counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    /// A quoted cell that never ends.
    UnclosedQuote { row: usize },
    /// Text right after a closing quote (`"a"b`).
    TextAfterQuote { row: usize },
}

/// Splits `text` into records of cells. A UTF-8 byte-order mark is ignored; `\r\n` and `\n`
/// both end a record; blank lines are kept as one empty cell so row numbers match the file.
/// Returns each record with its 1-based row number.
pub fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut row = 1;
    let mut start_row = 1;
    let mut in_quotes = false;
    let mut after_quote = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => {
                    in_quotes = false;
                    after_quote = true;
                }
                '\n' => {
                    row += 1;
                    cell.push(c);
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                record.push(std::mem::take(&mut cell));
                after_quote = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut cell));
                records.push((start_row, std::mem::take(&mut record)));
                after_quote = false;
                row += 1;
                start_row = row;
            }
            '"' if cell.is_empty() && !after_quote => in_quotes = true,
            _ if after_quote => return Err(CsvError::TextAfterQuote { row }),
            _ => cell.push(c),
        }
    }
    if in_quotes {
        return Err(CsvError::UnclosedQuote { row: start_row });
    }
    if !cell.is_empty() || !record.is_empty() || after_quote {
        record.push(cell);
        records.push((start_row, record));
    }
    Ok(records)
}

/// Appends one record to `out`, quoting where needed and defusing formulas (see `cell`).
pub fn write_record<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, value) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell(value.as_ref()));
    }
    out.push_str("\r\n");
}

/// One cell as CSV text. A value a spreadsheet would evaluate (starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading `'` so it shows as text: exports carry
/// what borrowers and collectors typed, and opening one must never run it.
pub fn cell(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<Vec<String>> {
        parse(text).unwrap().into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn plain_and_quoted_cells_are_read_with_their_row_numbers() {
        let got = parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n").unwrap();
        assert_eq!(
            got,
            vec![
                (1, vec!["a".to_owned(), "b".to_owned()]),
                (2, vec!["x, y".to_owned(), "say \"hi\"".to_owned()]),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_and_a_missing_final_newline_are_fine() {
        assert_eq!(cells("\u{feff}a,b"), vec![vec!["a", "b"]]);
    }

    #[test]
    fn a_quoted_line_break_stays_in_its_cell_and_later_rows_keep_file_numbers() {
        let got = parse("h\n\"two\nlines\"\nnext\n").unwrap();
        assert_eq!(got[1], (2, vec!["two\nlines".to_owned()]));
        assert_eq!(got[2], (4, vec!["next".to_owned()]));
    }

    #[test]
    fn blank_lines_keep_their_place() {
        assert_eq!(cells("a\n\nb\n"), vec![vec!["a"], vec![""], vec!["b"]]);
    }

    #[test]
    fn broken_quoting_is_reported_with_its_row() {
        assert_eq!(parse("a\n\"open,b\n"), Err(CsvError::UnclosedQuote { row: 2 }));
        assert_eq!(parse("a\n\"x\"y\n"), Err(CsvError::TextAfterQuote { row: 2 }));
    }

    #[test]
    fn cells_are_quoted_when_they_must_be_and_formulas_are_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=SUM(A1:A2)"), "'=SUM(A1:A2)");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@cmd"), "'@cmd");
        assert_eq!(cell("=1,2"), "\"'=1,2\"");
    }

    #[test]
    fn what_is_written_reads_back() {
        let mut out = String::new();
        write_record(&mut out, &["a,b", "line\nbreak", "q\"uote", ""]);
        assert_eq!(cells(&out), vec![vec!["a,b", "line\nbreak", "q\"uote", ""]]);
    }
}
