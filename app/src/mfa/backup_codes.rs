//! Backup codes as people read, type and print them: ten codes of 80 random bits each, written in
//! Crockford Base32 (no I, L, O or U, so nothing is mistaken for another character) in groups of
//! four; typed input is forgiving about case, spaces, dashes and look-alike letters.

use rand::{CryptoRng, Rng};

/// Codes in one set (Login.gov gives ten).
pub const CODES_PER_SET: usize = 10;
/// Characters in one code: 16 × 5 bits = 80 bits, above the 64 of SECURITY.md item 21.
pub const CODE_CHARS: usize = 16;
/// With this many unused codes left or fewer, the person is asked to make a new set.
pub const LOW_WATERMARK: i64 = 3;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// One code of [`CODE_CHARS`] characters, drawn from `rng` (a CSPRNG in production).
pub fn new_code(rng: &mut (impl Rng + CryptoRng)) -> String {
    (0..CODE_CHARS)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// A whole set of [`CODES_PER_SET`] distinct codes.
pub fn new_set(rng: &mut (impl Rng + CryptoRng)) -> Vec<String> {
    let mut codes: Vec<String> = Vec::with_capacity(CODES_PER_SET);
    while codes.len() < CODES_PER_SET {
        let code = new_code(rng);
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

/// `ABCD-EFGH-JKMN-PQRS`: how a code is shown and printed.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The code typed in `input`, in its canonical form, or `None` if it cannot be one: case,
/// spaces and dashes are ignored, and O, I and L are read as 0, 1 and 1 (Crockford's rules).
pub fn normalise(input: &str) -> Option<String> {
    let mut code = String::with_capacity(CODE_CHARS);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        code.push(c);
    }
    (code.chars().count() == CODE_CHARS).then_some(code)
}

/// Whether `input` looks like a backup code rather than a 6-digit app code (forms that take
/// either decide by this).
pub fn looks_like_backup_code(input: &str) -> bool {
    normalise(input).is_some()
}

/// The text file a new set is downloaded as.
pub fn text_file(codes: &[String], heading: &str) -> String {
    let mut text = format!("{heading}\n\n");
    for (n, code) in codes.iter().enumerate() {
        text.push_str(&format!("{:>2}. {}\n", n + 1, grouped(code)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn item21_a_set_has_ten_distinct_codes_of_at_least_64_bits() {
        let mut rng = StdRng::seed_from_u64(7);
        let set = new_set(&mut rng);
        assert_eq!(set.len(), 10);
        for code in &set {
            assert_eq!(code.len(), CODE_CHARS);
            assert!(code.len() * 5 >= 64, "{code}: at least 64 bits");
            assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
        }
        let mut unique = set.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
    }

    #[test]
    fn typed_codes_are_read_forgivingly_but_nothing_else_passes() {
        assert_eq!(
            normalise("abcd-efgh-jkmn-pqrs").as_deref(),
            Some("ABCDEFGHJKMNPQRS")
        );
        assert_eq!(
            normalise(" ABCD EFGH JKMN PQRS ").as_deref(),
            Some("ABCDEFGHJKMNPQRS")
        );
        assert_eq!(
            normalise("OIL0-0000-0000-0000").as_deref(),
            Some("0110000000000000")
        );
        assert_eq!(normalise("ABCD-EFGH-JKMN-PQR"), None, "too short");
        assert_eq!(normalise("ABCD-EFGH-JKMN-PQRST"), None, "too long");
        assert_eq!(normalise("ABCD-EFGH-JKMN-PQRU"), None, "U is not Crockford");
        assert_eq!(normalise("ABCD-EFGH-JKMN-PQRÉ"), None);
        assert!(!looks_like_backup_code("123456"));
    }

    #[test]
    fn codes_are_shown_in_groups_of_four_and_listed_in_the_file() {
        assert_eq!(grouped("ABCDEFGHJKMNPQRS"), "ABCD-EFGH-JKMN-PQRS");
        let file = text_file(&["ABCDEFGHJKMNPQRS".into()], "Caseport backup codes");
        assert_eq!(file, "Caseport backup codes\n\n 1. ABCD-EFGH-JKMN-PQRS\n");
    }
}
