//! Printable letters (the Account Access Notice, receipt and decision notices) as PDF: a title,
//! labelled fields and paragraphs laid out on US Letter pages with the PDF base fonts, so the
//! text is selectable and searchable. Content streams are left uncompressed: the files are small
//! and tests (and screen readers' text extraction) read them as they are.
//!
//! The base fonts carry WinAnsi (Windows-1252) text, which covers English and Spanish; any other
//! character is written as `?` rather than dropped silently.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// One block of a letter, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A section heading in bold.
    Heading(String),
    /// A label and its value on one line (the value in bold, e.g. a receipt number).
    Field(String, String),
    /// A paragraph, wrapped to the page width.
    Paragraph(String),
}

/// A letter: its title (also the document title readers show) and its blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The heading at the top and the document's title.
    pub title: String,
    /// The language of the text, as a BCP 47 tag (`en`, `es`).
    pub lang: &'static str,
    /// The sender's line under the title.
    pub sender: String,
    /// The content.
    pub blocks: Vec<Block>,
    /// The line at the foot of every page.
    pub footer: String,
}

const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;
const MARGIN: f32 = 72.0;
const BODY_SIZE: f32 = 11.0;
const LEADING: f32 = 15.0;
/// Characters per wrapped line at the body size: Helvetica's average advance is about half the
/// font size, and the text block is 468 points wide.
const WRAP_COLUMNS: usize = 84;

/// Text in the WinAnsi encoding of the base fonts: ASCII and Latin-1 map to themselves, the
/// typographic quotes and dashes to their Windows-1252 codes, anything else to `?`.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{2022}' => 0x95,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{20ac}' => 0x80,
            _ => b'?',
        })
        .collect()
}

/// `text` broken into lines of at most `columns` characters at spaces (a longer word stands alone).
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > columns {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A laid-out line: its font and text.
enum Line {
    Bold(String),
    Regular(String),
    Pair(String, String),
    Blank,
}

fn lay_out(letter: &Letter) -> Vec<Line> {
    let mut lines = vec![Line::Regular(letter.sender.clone()), Line::Blank];
    for block in &letter.blocks {
        match block {
            Block::Heading(text) => {
                lines.push(Line::Blank);
                lines.push(Line::Bold(text.clone()));
            }
            Block::Field(label, value) => lines.push(Line::Pair(label.clone(), value.clone())),
            Block::Paragraph(text) => {
                lines.extend(wrap(text, WRAP_COLUMNS).into_iter().map(Line::Regular));
                lines.push(Line::Blank);
            }
        }
    }
    lines
}

/// The letter as a PDF file.
pub fn render(letter: &Letter) -> Vec<u8> {
    let regular = Name(b"F1");
    let bold = Name(b"F2");
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let regular_id = Ref::new(3);
    let bold_id = Ref::new(4);
    let info_id = Ref::new(5);
    let mut next_id = 6;

    let lines = lay_out(letter);
    let per_page = ((PAGE_HEIGHT - 2.0 * MARGIN - 60.0) / LEADING) as usize;
    let pages: Vec<&[Line]> = lines.chunks(per_page.max(1)).collect();
    let page_ids: Vec<(Ref, Ref)> = pages
        .iter()
        .map(|_| {
            let ids = (Ref::new(next_id), Ref::new(next_id + 1));
            next_id += 2;
            ids
        })
        .collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id)
        .pages(tree_id)
        .lang(TextStr(letter.lang));
    pdf.document_info(info_id)
        .title(TextStr(&letter.title))
        .producer(TextStr("Caseport"));
    pdf.pages(tree_id)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);
    for (font_id, base) in [(regular_id, "Helvetica"), (bold_id, "Helvetica-Bold")] {
        pdf.type1_font(font_id)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let count = pages.len();
    for (index, (page_lines, (page_id, content_id))) in pages.iter().zip(&page_ids).enumerate() {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree_id)
            .contents(*content_id);
        page.resources()
            .fonts()
            .pair(regular, regular_id)
            .pair(bold, bold_id);
        page.finish();

        let mut content = Content::new();
        let mut y = PAGE_HEIGHT - MARGIN;
        content.begin_text();
        content.set_font(bold, 16.0).next_line(MARGIN, y);
        content.show(Str(&win_ansi(&letter.title)));
        content.end_text();
        y -= 30.0;
        for line in page_lines.iter() {
            match line {
                Line::Blank => {}
                Line::Bold(text) => show(&mut content, bold, MARGIN, y, text),
                Line::Regular(text) => show(&mut content, regular, MARGIN, y, text),
                Line::Pair(label, value) => {
                    show(&mut content, regular, MARGIN, y, label);
                    show(&mut content, bold, MARGIN + 190.0, y, value);
                }
            }
            y -= LEADING;
        }
        let footer = format!("{}  {}/{}", letter.footer, index + 1, count);
        content.begin_text();
        content
            .set_font(regular, 8.0)
            .next_line(MARGIN, MARGIN / 2.0);
        content.show(Str(&win_ansi(&footer)));
        content.end_text();
        pdf.stream(*content_id, &content.finish());
    }
    pdf.finish()
}

fn show(content: &mut Content, font: Name, x: f32, y: f32, text: &str) {
    content.begin_text();
    content.set_font(font, BODY_SIZE).next_line(x, y);
    content.show(Str(&win_ansi(text)));
    content.end_text();
}

/// The text a reader would extract from `pdf` produced by [`render`]: every string shown with
/// `Tj` (literal or hex), one per line, decoded from WinAnsi. For tests and checks of letters.
pub fn shown_text(pdf: &[u8]) -> String {
    let mut out = String::new();
    let mut last: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < pdf.len() {
        match pdf[i] {
            b'(' => {
                let (bytes, next) = literal_string(pdf, i + 1);
                last = Some(bytes);
                i = next;
            }
            b'<' if pdf.get(i + 1) == Some(&b'<') => i += 2,
            b'<' => {
                let end = pdf[i..]
                    .iter()
                    .position(|b| *b == b'>')
                    .map_or(pdf.len(), |p| i + p);
                let digits: Vec<u8> = pdf[i + 1..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                last = Some(
                    digits
                        .chunks(2)
                        .map(|pair| {
                            let text = std::str::from_utf8(pair).unwrap_or("0");
                            u8::from_str_radix(&format!("{text:0<2}"), 16).unwrap_or(b'?')
                        })
                        .collect(),
                );
                i = end + 1;
            }
            b'T' if pdf.get(i + 1) == Some(&b'j') => {
                if let Some(bytes) = last.take() {
                    out.extend(bytes.into_iter().map(from_win_ansi));
                    out.push('\n');
                }
                i += 2;
            }
            b' ' | b'\n' | b'\r' => i += 1,
            _ => {
                last = None;
                i += 1;
            }
        }
    }
    out
}

/// A literal string's bytes starting after its `(`, and the index after its closing `)`.
fn literal_string(pdf: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut bytes = Vec::new();
    let mut depth = 0usize;
    while i < pdf.len() {
        let byte = pdf[i];
        i += 1;
        match byte {
            b'\\' => {
                let Some(&escaped) = pdf.get(i) else { break };
                i += 1;
                match escaped {
                    b'n' => bytes.push(b'\n'),
                    b'r' => bytes.push(b'\r'),
                    b't' => bytes.push(b'\t'),
                    b'b' => bytes.push(0x08),
                    b'f' => bytes.push(0x0c),
                    b'0'..=b'7' => {
                        let mut value = u32::from(escaped - b'0');
                        for _ in 0..2 {
                            match pdf.get(i) {
                                Some(d @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        bytes.push(value as u8);
                    }
                    other => bytes.push(other),
                }
            }
            b'(' => {
                depth += 1;
                bytes.push(byte);
            }
            b')' if depth == 0 => return (bytes, i),
            b')' => {
                depth -= 1;
                bytes.push(byte);
            }
            _ => bytes.push(byte),
        }
    }
    (bytes, i)
}

fn from_win_ansi(byte: u8) -> char {
    match byte {
        0x80 => '\u{20ac}',
        0x91 => '\u{2018}',
        0x92 => '\u{2019}',
        0x93 => '\u{201c}',
        0x94 => '\u{201d}',
        0x95 => '\u{2022}',
        0x96 => '\u{2013}',
        0x97 => '\u{2014}',
        other => char::from(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(blocks: Vec<Block>) -> Letter {
        Letter {
            title: "Account Access Notice".into(),
            lang: "en",
            sender: "Caseport".into(),
            blocks,
            footer: "IOE0912345678".into(),
        }
    }

    #[test]
    fn a_letter_is_a_pdf_whose_text_can_be_read_back() {
        let pdf = render(&letter(vec![
            Block::Field("Receipt number".into(), "IOE0912345678".into()),
            Block::Paragraph("Sign in (or create an account) at https://example.test.".into()),
        ]));
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF\n") || pdf.ends_with(b"%%EOF"));
        let text = shown_text(&pdf);
        assert!(text.contains("Account Access Notice"));
        assert!(text.contains("Receipt number"));
        assert!(text.contains("IOE0912345678"));
        assert!(text.contains("Sign in (or create an account) at https://example.test."));
    }

    #[test]
    fn spanish_is_encoded_and_other_scripts_are_marked() {
        assert_eq!(win_ansi("Número de recibo ¿Sí? – “ok”"), {
            let mut v = b"N".to_vec();
            v.push(0xfa);
            v.extend(b"mero de recibo ");
            v.push(0xbf);
            v.push(b'S');
            v.push(0xed);
            v.extend(b"? ");
            v.push(0x96);
            v.push(b' ');
            v.push(0x93);
            v.extend(b"ok");
            v.push(0x94);
            v
        });
        assert_eq!(win_ansi("李"), b"?");
        let pdf = render(&letter(vec![Block::Paragraph(
            "Número de recibo: “IOE0912345678” – ¿Sí?".into(),
        )]));
        assert!(shown_text(&pdf).contains("Número de recibo: “IOE0912345678” – ¿Sí?"));
    }

    #[test]
    fn long_letters_flow_onto_more_pages_and_keep_every_word() {
        let paragraph = (0..2000)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let pdf = render(&letter(vec![Block::Paragraph(paragraph)]));
        let body = String::from_utf8_lossy(&pdf);
        let count: usize = body
            .split("/Count ")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(count >= 3, "{count} pages");
        let text = shown_text(&pdf);
        assert!(text.contains("w0 w1 ") && text.contains("w1999\n"));
        let words: Vec<&str> = text
            .split_whitespace()
            .filter(|w| w.starts_with('w'))
            .collect();
        assert_eq!(words.len(), 2000);
        assert!(text.contains(&format!("1/{count}")) && text.contains(&format!("{count}/{count}")));
    }

    #[test]
    fn wrapping_keeps_every_word_and_the_width() {
        let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa";
        let lines = wrap(text, 12);
        assert!(lines.iter().all(|l| l.chars().count() <= 12));
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("", 10), Vec::<String>::new());
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            vec!["averyveryverylongword", "x"]
        );
    }
}
