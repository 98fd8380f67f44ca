//! Source files kept in memory for diagnostics, and positions inside them.
//!
//! Owns [`SourceMap`] (every file read, by [`FileId`]), [`Span`] (a byte range in one file) and
//! [`Located`] (a deserialized value with the byte range it came from). Line and column are worked
//! out only when a diagnostic is printed, from the byte offset, so nothing else needs to know them.
//! It deliberately does not read files: `load` and `config` add what they read.

use std::ops::Range;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// The largest YAML or Markdown file read (8 MiB, thousands of printed pages): memory and time
/// stay bounded whatever lands in `content/`. Assets (images, downloads) have no limit.
pub const MAX_TEXT_BYTES: u64 = 8 * 1024 * 1024;

/// The byte offset in `text` of a 1-based line and column as serde_json reports them (columns in
/// bytes), kept to a character boundary and inside the text.
pub fn json_error_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    floor_char_boundary(text, (start + column.saturating_sub(1)).min(text.len()))
}

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(u32);

impl FileId {
    /// The file's place in the order files were added to its map.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One source file: its path relative to the project root (with `/` separators) and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the project root, `/`-separated, as shown in diagnostics.
    pub path: String,
    /// The whole text of the file.
    pub text: String,
    /// Byte offset of the start of each line, built the first time a position is asked for, so
    /// that placing many diagnostics in one large file stays linear.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// 0-based index and byte offset of the line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let index = starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        (index, starts.get(index).copied().unwrap_or(0))
    }

    /// The byte range of the whole lines holding `range` (without the last line's break, `\r\n`
    /// or `\n`).
    pub fn lines_around(&self, range: Range<usize>) -> Range<usize> {
        let (_, start) = self.line_of(range.start);
        let from = floor_char_boundary(&self.text, range.end.min(self.text.len()));
        let mut end = self.text[from..]
            .find('\n')
            .map_or(self.text.len(), |i| from + i);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }
}

/// Every file read during a run, so diagnostics can quote source lines.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        });
        id
    }

    /// Every file, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    /// The file with this id.
    ///
    /// # Panics
    /// Never for an id this map returned; ids are not shared between maps.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// 1-based line and column (in characters) of a byte offset in a file.
    pub fn line_column(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = &self.file(id).text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let (index, line_start) = self.file(id).line_of(offset);
        let column = text[line_start..offset].chars().count() + 1;
        (index + 1, column)
    }
}

/// The largest char boundary at or before `offset` (which must be within `text`).
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A byte range in one source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// Byte range within the file's text.
    pub range: Range<usize>,
}

/// Spans order by file, then start, then end: the order diagnostics are read in.
impl Ord for Span {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.file, self.range.start, self.range.end).cmp(&(
            other.file,
            other.range.start,
            other.range.end,
        ))
    }
}

impl PartialOrd for Span {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Span {
    /// A span covering `range` in `file`.
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Self { file, range }
    }
}

/// A value deserialized from YAML together with the byte range of its node in the text it was
/// parsed from. The file is known to whoever owns the value (a procedure knows its file), so a
/// `Located` carries only offsets; [`Located::span`] joins the two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Byte range of the value's YAML node, relative to the parsed text.
    pub range: Range<usize>,
}

impl<T> Located<T> {
    /// The span of this value in `file`, shifted by `base` (the offset of the parsed text in the
    /// file: non-zero for front matter).
    pub fn span(&self, file: FileId, base: usize) -> Span {
        Span::new(file, self.range.start + base..self.range.end + base)
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let start = usize::try_from(span.byte_offset().unwrap_or(0)).unwrap_or(0);
        let len = usize::try_from(span.byte_len().unwrap_or(0)).unwrap_or(0);
        Ok(Self {
            value: spanned.value,
            range: start..start + len,
        })
    }
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let mut map = SourceMap::new();
        let id = map.add("a.yaml", "title: 日本語\nsteps: x\n");
        let offset = "title: 日本語\nsteps: ".len();
        assert_eq!(map.line_column(id, offset), (2, 8));
        let offset = "title: 日本".len();
        assert_eq!(map.line_column(id, offset), (1, 10));
    }

    #[test]
    fn located_records_the_byte_range_of_the_value() {
        #[derive(Deserialize)]
        struct Doc {
            id: Located<String>,
        }
        let text = "# comment\nid:   hello\n";
        let doc: Doc = serde_saphyr::from_str(text).unwrap();
        assert_eq!(&text[doc.id.range.clone()], "hello");
    }
}
