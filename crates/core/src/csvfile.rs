//! CSV files as Italian offices have them: the one reader (imports) and the one writer (exports,
//! the accountant's billable lines), over the `csv` crate (quoting, separators) and `encoding_rs`
//! (Windows-1252), never parsed by hand.
//!
//! Reading: the bytes are UTF-8 (with or without a BOM) when they are valid UTF-8, else
//! Windows-1252 (Excel's "CSV" on an Italian Windows); the separator is `;` or `,`, sniffed from
//! the header line unless given; numbers may carry a decimal comma (`7,5`, `1.234,50`).
//!
//! Writing: [`CsvStyle::Italian`] (the default) suits Italian Excel and LibreOffice: a UTF-8 BOM
//! (so accents open right), `;` between fields and a decimal comma; [`CsvStyle::Plain`] writes
//! `,` and a decimal point, no BOM.

use crate::error::{Code, Error, Result};
use crate::macros::string_enum;

string_enum! {
    /// How a CSV file is written.
    CsvStyle, field = "style" {
        /// UTF-8 BOM, `;` separator, decimal comma (Italian Excel).
        Italian => "italian",
        /// No BOM, `,` separator, decimal point.
        Plain => "plain",
    }
}

string_enum! {
    /// The character encoding a CSV file was read in.
    TextEncoding, field = "encoding" {
        Utf8 => "utf-8",
        Windows1252 => "windows-1252",
    }
}

/// The largest CSV file read (a mistaken pick of a disk image is refused, not loaded).
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

const BOM: &str = "\u{feff}";

/// Reads the CSV file at `path`; one larger than [`MAX_FILE_BYTES`] is refused (`CSV_INVALID` on
/// `file`) before it is loaded.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(Error::invalid(
            Code::CsvInvalid,
            "file",
            format!(
                "the file is {} MB, the limit is {} MB",
                size / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(std::fs::read(path)?)
}

/// The text of a CSV file: UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else
/// Windows-1252 (which maps every byte to a character).
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding)> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Error::invalid(
            Code::CsvInvalid,
            "file",
            format!(
                "the file is {} MB, the limit is {} MB",
                bytes.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((
            s.strip_prefix(BOM).unwrap_or(s).to_owned(),
            TextEncoding::Utf8,
        )),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), TextEncoding::Windows1252))
        }
    }
}

/// `;` or `,`: whichever occurs more often outside quotes in the first line (`;` on a tie, the
/// Italian default).
pub fn sniff_separator(text: &str) -> u8 {
    let (mut semicolons, mut commas, mut quoted) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ';' if !quoted => semicolons += 1,
            ',' if !quoted => commas += 1,
            _ => {}
        }
    }
    if commas > semicolons {
        b','
    } else {
        b';'
    }
}

/// A separator given by name or character: `;`, `,`, `tab`.
pub fn parse_separator(value: &str) -> Result<u8> {
    match value.trim() {
        ";" | "semicolon" | "punto e virgola" => Ok(b';'),
        "," | "comma" | "virgola" => Ok(b','),
        "tab" | "\t" => Ok(b'\t'),
        other => Err(Error::invalid(
            Code::InvalidFormat,
            "separator",
            format!("{other:?} is not a separator (use ; , or tab)"),
        )),
    }
}

/// One data row: its line in the file (1 is the header) and its cells, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A CSV file read whole: its header and its rows. Blank rows are skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The index of the column headed `name` (compared trimmed and case-insensitively).
    pub fn column(&self, name: &str) -> Option<usize> {
        let name = name.trim().to_lowercase();
        self.headers
            .iter()
            .position(|h| h.trim().to_lowercase() == name)
    }
}

/// Reads `text` (already decoded) with `separator`. Rows may be shorter or longer than the
/// header (a missing cell reads as empty).
pub fn read_table(text: &str, separator: u8) -> Result<Table> {
    let bad = |e: csv::Error| {
        let at = e
            .position()
            .map(|p| format!(" (line {})", p.line()))
            .unwrap_or_default();
        Error::invalid(
            Code::CsvInvalid,
            "file",
            format!("not a readable CSV{at}: {e}"),
        )
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(str::to_owned)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(Error::invalid(
            Code::CsvInvalid,
            "file",
            "the file is empty or its first line holds no column names",
        ));
    }
    let mut rows = Vec::new();
    // Line ends counted so far, up to this byte: records come in file order, so each row's line
    // is counted on from the previous one (counting from the start for every row was quadratic).
    let (mut counted_to, mut newlines) = (0usize, 0u64);
    for record in reader.records() {
        let record = record.map_err(bad)?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        // From the byte offset, which may sit before the line ends that precede the record (the
        // reader's own line count skips blank lines).
        let line = record.position().map_or(0, |p| {
            let bytes = text.as_bytes();
            let mut at = usize::try_from(p.byte())
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                at += 1;
            }
            if at < counted_to {
                (counted_to, newlines) = (0, 0);
            }
            newlines += bytecount_newlines(&bytes[counted_to..at]);
            counted_to = at;
            1 + newlines
        });
        rows.push(Row {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok(Table { headers, rows })
}

fn bytecount_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

/// A number as people type it in Italy or elsewhere: `7,5`, `7.5`, `1.234,50`, `1,234.50`,
/// `1.234.567`; spaces and a euro sign are ignored. Empty is `None`.
pub fn parse_decimal(field: &'static str, value: &str) -> Result<Option<f64>> {
    let v: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{a0}')
        .collect();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{value:?} is not a number"),
        )
    };
    let last_dot = v.rfind('.');
    let last_comma = v.rfind(',');
    let normal = match (last_dot, last_comma) {
        // Both: the later one is the decimal mark, the other groups thousands.
        (Some(d), Some(c)) if c > d => v.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => v.replace(',', ""),
        (None, Some(_)) if v.matches(',').count() == 1 => v.replace(',', "."),
        (None, Some(_)) => return Err(bad()),
        // Several dots only group thousands (`1.234.567`).
        (Some(_), None) if v.matches('.').count() > 1 => v.replace('.', ""),
        _ => v.clone(),
    };
    let n: f64 = normal.parse().map_err(|_| bad())?;
    if !n.is_finite() {
        return Err(bad());
    }
    Ok(Some(n))
}

/// The one CSV writer of the exports.
pub struct CsvWriter {
    style: CsvStyle,
    w: csv::Writer<Vec<u8>>,
}

fn write_error(e: impl std::fmt::Display) -> Error {
    Error::Inconsistent(format!("CSV: {e}"))
}

impl CsvWriter {
    /// A writer in `style` whose first row is `header`.
    pub fn new<I, T>(style: CsvStyle, header: I) -> Result<CsvWriter>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let mut out: Vec<u8> = Vec::new();
        if style == CsvStyle::Italian {
            out.extend_from_slice(BOM.as_bytes());
        }
        let w = csv::WriterBuilder::new()
            .delimiter(if style == CsvStyle::Italian {
                b';'
            } else {
                b','
            })
            .from_writer(out);
        let mut writer = CsvWriter { style, w };
        writer.row(header)?;
        Ok(writer)
    }

    pub fn row<I, T>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.w.write_record(cells).map_err(write_error)
    }

    fn decimal_mark(&self, s: String) -> String {
        if self.style == CsvStyle::Italian {
            s.replace('.', ",")
        } else {
            s
        }
    }

    /// Cents as an amount: `1234,50` (Italian) or `1234.50`.
    pub fn money(&self, cents: i64) -> String {
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        self.decimal_mark(format!("{sign}{}.{:02}", abs / 100, abs % 100))
    }

    /// A quantity with up to three decimals, trailing zeros dropped: `7,5` (Italian) or `7.5`.
    pub fn number(&self, v: f64) -> String {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
        self.decimal_mark(s)
    }

    /// Minutes as decimal hours (`90` → `1,5`).
    pub fn hours(&self, minutes: i64) -> String {
        self.number(minutes as f64 / 60.0)
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.w.into_inner().map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_and_windows_1252_are_told_apart() {
        let (t, e) = decode("\u{feff}Città;Forlì".as_bytes()).unwrap();
        assert_eq!((t.as_str(), e), ("Città;Forlì", TextEncoding::Utf8));
        // "Città" in Windows-1252: à is 0xE0, not valid UTF-8 alone.
        let (t, e) = decode(b"Citt\xe0;Forl\xec \x80").unwrap();
        assert_eq!(
            (t.as_str(), e),
            ("Città;Forlì €", TextEncoding::Windows1252)
        );
    }

    #[test]
    fn the_separator_is_sniffed_outside_quotes() {
        assert_eq!(sniff_separator("a;b;c\n1,2;3"), b';');
        assert_eq!(sniff_separator("a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_separator("\"a;b;c\",d,e"), b',');
        assert_eq!(sniff_separator("single"), b';');
    }

    #[test]
    fn decimals_in_the_italian_and_the_english_way() {
        let p = |s| parse_decimal("x", s).unwrap();
        assert_eq!(p("7,5"), Some(7.5));
        assert_eq!(p("7.5"), Some(7.5));
        assert_eq!(p("1.234,50"), Some(1234.5));
        assert_eq!(p("1,234.50"), Some(1234.5));
        assert_eq!(p("1.234.567"), Some(1_234_567.0));
        assert_eq!(p(" € 12,00 "), Some(12.0));
        assert_eq!(p(""), None);
        for bad in ["abc", "1,2,3", "7,5h", "NaN", "inf"] {
            let e = parse_decimal("x", bad).unwrap_err();
            assert_eq!(e.code(), Code::InvalidFormat, "{bad}");
        }
    }

    #[test]
    fn a_table_keeps_quoted_separators_and_line_numbers() {
        let t = read_table(
            "Nome;Note\n\"Rossi; Figli\";\"due\nrighe\"\n\n Bianchi \n",
            b';',
        )
        .unwrap();
        assert_eq!(t.headers, ["Nome", "Note"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells, ["Rossi; Figli", "due\nrighe"]);
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[1].cells, ["Bianchi"]);
        assert_eq!(t.rows[1].line, 5);
        assert_eq!(t.column("nome"), Some(0));
        assert_eq!(read_table("", b';').unwrap_err().code(), Code::CsvInvalid);
    }

    #[test]
    fn the_writer_writes_what_the_reader_reads() {
        let mut w = CsvWriter::new(CsvStyle::Italian, ["a", "b"]).unwrap();
        w.row(["x;y", &w.money(123_450)]).unwrap();
        w.row(["z", &w.hours(90)]).unwrap();
        let bytes = w.finish().unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        let (text, _) = decode(&bytes).unwrap();
        assert_eq!(sniff_separator(&text), b';');
        let t = read_table(&text, b';').unwrap();
        assert_eq!(t.rows[0].cells, ["x;y", "1234,50"]);
        assert_eq!(parse_decimal("b", &t.rows[1].cells[1]).unwrap(), Some(1.5));
        let mut p = CsvWriter::new(CsvStyle::Plain, ["a"]).unwrap();
        p.row([p.money(-5)]).unwrap();
        assert_eq!(
            String::from_utf8(p.finish().unwrap()).unwrap(),
            "a\n-0.05\n"
        );
    }
}
