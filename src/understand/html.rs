//! HTML mail to plain text, keeping what a reader sees: paragraphs and line breaks, list items,
//! and quoted blocks (`<blockquote>`, Gmail's and Outlook's quote containers) marked with "> " so
//! the quote splitter treats them like quoted plain text.
//!
//! A small tag scanner rather than a DOM: mail HTML is often broken, and a scanner never fails.

/// Converts HTML to text.
pub fn to_text(html: &str) -> String {
    let mut out = Out::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    // Depth of elements whose content is dropped (style, script, head, title).
    let mut hidden = 0usize;
    // Stack of open elements that quote, so their ends can be matched.
    let mut quote_stack: Vec<String> = Vec::new();
    // Every open div, with whether it started a quote, to close the right one.
    let mut div_quotes: Vec<bool> = Vec::new();
    // Inside a table cell: Outlook puts a <p> in every cell, which would put every cell on a
    // line of its own; a cell's paragraphs are one cell.
    let mut cell_depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            // A comment or conditional comment.
            if html[i..].starts_with("<!--") {
                i = html[i + 4..]
                    .find("-->")
                    .map(|e| i + 4 + e + 3)
                    .unwrap_or(bytes.len());
                continue;
            }
            let Some(end) = tag_end(bytes, i) else {
                // A lone "<" is text.
                if hidden == 0 {
                    out.push_char('<');
                }
                i += 1;
                continue;
            };
            let tag = &html[i + 1..end];
            i = end + 1;
            let closing = tag.starts_with('/');
            let body = tag.trim_start_matches('/');
            let name: String = body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            let attrs = body[name.len().min(body.len())..].to_ascii_lowercase();
            match name.as_str() {
                "style" | "script" | "head" | "title" | "xml" => {
                    if closing {
                        hidden = hidden.saturating_sub(1);
                    } else if !body.ends_with('/') {
                        hidden += 1;
                    }
                }
                "br" | "p" | "div" if cell_depth > 0 => out.push_char(' '),
                "br" => out.newline(),
                // A row of a table is a line, as Outlook's plain text writes it.
                "tr" if !out.line.trim().is_empty() => out.newline(),
                "tr" => {}
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "ul" | "ol" | "pre" => {
                    if name == "table" {
                        cell_depth = 0;
                    }
                    out.block_break()
                }
                "li" => {
                    out.newline();
                    if !closing {
                        out.push_str("- ");
                    }
                }
                // Cells part with a tab, as Outlook's plain text writes a table: a name in one
                // column does not run into the title in the next.
                "td" | "th" if closing => cell_depth = cell_depth.saturating_sub(1),
                "td" | "th" => {
                    cell_depth += 1;
                    if out.line.trim().is_empty() {
                        out.push_char(' ')
                    } else {
                        out.push_char('\t')
                    }
                }
                "hr" => {
                    out.newline();
                    out.push_str("________________________________");
                    out.newline();
                }
                "blockquote" => {
                    if closing {
                        if quote_stack.pop().is_some() {
                            out.quote_depth = out.quote_depth.saturating_sub(1);
                        }
                    } else {
                        quote_stack.push(name.clone());
                        out.quote_depth += 1;
                    }
                    out.newline();
                }
                "div" => {
                    out.newline();
                    if closing {
                        if div_quotes.pop() == Some(true) {
                            out.quote_depth = out.quote_depth.saturating_sub(1);
                        }
                    } else {
                        // Gmail wraps the quoted message in class="gmail_quote"; Outlook's web
                        // client puts it after id="divRplyFwdMsg" or in id="appendonsend".
                        let quotes = attrs.contains("gmail_quote")
                            && !attrs.contains("gmail_quote_container")
                            || attrs.contains("yahoo_quoted")
                            || attrs.contains("moz-cite-prefix")
                            || attrs.contains("type=\"cite\"");
                        div_quotes.push(quotes);
                        if quotes {
                            out.quote_depth += 1;
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        if bytes[i] == b'&'
            && let Some((decoded, len)) = entity(&html[i..])
        {
            if hidden == 0 {
                out.push_char(decoded);
            }
            i += len;
            continue;
        }
        let c = html[i..].chars().next().unwrap_or(' ');
        if hidden == 0 {
            if c == '\n' || c == '\r' || c == '\t' {
                out.push_char(' ');
            } else {
                out.push_char(c);
            }
        }
        i += c.len_utf8();
    }
    out.finish()
}

/// The rows of a table, in text made by [`to_text`], that hold an address in a cell of their own
/// (a list of people: name, title, e-mail), outside quoted text.
pub fn rows_with_an_address(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.starts_with('>'))
        .filter(|l| {
            let cells: Vec<&str> = l.split('\t').map(str::trim).filter(|c| !c.is_empty()).collect();
            cells.len() >= 2 && cells.iter().any(|c| c.contains('@') && !c.contains(' '))
        })
        .count()
}

/// Where a tag that starts at `start` ends, honouring quoted attribute values.
fn tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    let next = *bytes.get(start + 1)?;
    if !(next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?') {
        return None;
    }
    let mut quote: Option<u8> = None;
    for (offset, &b) in bytes[start + 1..].iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(start + 1 + offset),
            None => {}
        }
    }
    None
}

/// Decodes the entity at the start of `text`: the character and the bytes it took.
fn entity(text: &str) -> Option<(char, usize)> {
    let window = text
        .char_indices()
        .take_while(|(i, _)| *i < 12)
        .last()
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let end = text[..window].find(';')?;
    let name = &text[1..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse().ok()?
        };
        char::from_u32(code)?
    } else {
        match name {
            "nbsp" => ' ',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "aring" => 'å',
            "Aring" => 'Å',
            "oslash" => 'ø',
            "Oslash" => 'Ø',
            "aelig" => 'æ',
            "AElig" => 'Æ',
            "eacute" => 'é',
            "Eacute" => 'É',
            "egrave" => 'è',
            "auml" => 'ä',
            "Auml" => 'Ä',
            "ouml" => 'ö',
            "Ouml" => 'Ö',
            "uuml" => 'ü',
            "Uuml" => 'Ü',
            "szlig" => 'ß',
            "ndash" => '–',
            "mdash" => '—',
            "laquo" => '«',
            "raquo" => '»',
            "rsquo" | "lsquo" => '\'',
            "ldquo" | "rdquo" => '"',
            "hellip" => '…',
            "copy" => '©',
            "middot" => '·',
            "bull" => '•',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

#[derive(Default)]
struct Out {
    text: String,
    line: String,
    quote_depth: usize,
    /// The quote depth the current line started with.
    line_depth: usize,
}

impl Out {
    fn push_char(&mut self, c: char) {
        if self.line.is_empty() {
            if c == ' ' {
                return;
            }
            self.line_depth = self.quote_depth;
        } else if c == ' ' && self.line.ends_with(' ') {
            return;
        }
        self.line.push(c);
    }

    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push_char(c);
        }
    }

    fn newline(&mut self) {
        let line = self.line.trim_end();
        if !line.is_empty() {
            for _ in 0..self.line_depth {
                self.text.push_str("> ");
            }
            self.text.push_str(line);
        } else if self.text.ends_with("\n\n") {
            self.line.clear();
            return;
        }
        self.text.push('\n');
        self.line.clear();
    }

    fn block_break(&mut self) {
        self.newline();
        if !self.text.ends_with("\n\n") && !self.text.is_empty() {
            self.text.push('\n');
        }
    }

    fn finish(mut self) -> String {
        self.newline();
        self.text.trim().to_string() + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outlook_table_with_a_paragraph_in_every_cell_is_one_line_per_row() {
        let html = "<p>Vi melder på:</p><table>\n<tr><td><p><b>Navn</b></p></td><td><p>E-post</p></td></tr>\n<tr><td><p>Lene Aasheim</p></td><td><p><a href=\"mailto:l@bfd.dep.no\">l@bfd.dep.no</a></p></td></tr>\n<tr><td><p>Jon Vik</p></td><td><p>j@bfd.dep.no</p></td></tr>\n</table><p>Mvh</p>";
        let text = to_text(html);
        let rows: Vec<Vec<&str>> = text
            .lines()
            .filter(|l| l.contains('\t'))
            .map(|l| l.split('\t').map(str::trim).collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec!["Navn", "E-post"],
                vec!["Lene Aasheim", "l@bfd.dep.no"],
                vec!["Jon Vik", "j@bfd.dep.no"]
            ],
            "{text:?}"
        );
        // The rows are lines next to each other, as a list is.
        let lines: Vec<&str> = text.lines().collect();
        let at = |w: &str| lines.iter().position(|l| l.contains(w)).unwrap();
        assert_eq!(at("Jon Vik") - at("Navn"), 2, "{text:?}");
    }

    #[test]
    fn paragraphs_breaks_and_entities_become_text() {
        let text = to_text(
            "<html><head><style>p{}</style></head><body><p>Hei,</p><p>vi kommer&nbsp;2 stk.<br>Mvh&nbsp;Kari &amp; Per</p></body></html>",
        );
        assert_eq!(text, "Hei,\n\nvi kommer 2 stk.\nMvh Kari & Per\n");
    }

    #[test]
    fn blockquotes_are_marked_as_quoted() {
        let text = to_text(
            "<div>Ja, vi deltar.</div><div class=\"gmail_quote\"><div>tir. 14. jun. 2022 skrev Tom:</div><blockquote>Invitasjon<br>til møtet</blockquote></div>",
        );
        assert!(text.starts_with("Ja, vi deltar.\n"), "{text}");
        assert!(text.contains("> Invitasjon\n"), "{text}");
        assert!(
            text.contains("> > til møtet") || text.contains("> til møtet"),
            "{text}"
        );
    }

    #[test]
    fn broken_html_never_fails() {
        for html in [
            "<",
            "<<>>",
            "<a href=\"x>",
            "&#xZZ;",
            "<div><blockquote>",
            "</div></div></blockquote>",
            "&",
            "<p",
        ] {
            let _ = to_text(html);
        }
        assert_eq!(to_text("3 < 4 &amp; 5 > 2"), "3 < 4 & 5 > 2\n");
    }

    #[test]
    fn latin_entities_and_numeric_ones_decode() {
        assert_eq!(
            to_text("M&oslash;te p&aring; &#197;s &#x2013; ok"),
            "Møte på Ås – ok\n"
        );
    }
}
