//! Repair of mojibake: UTF-8 text that was once decoded as Windows-1252 or Mac
//! Roman and saved again ("dÃ©colletage", "d√©colletage" for "décolletage").
//!
//! Sites edited by several people over years pick this up from copy and paste.
//! Repair is conservative: a run of non-ASCII characters is replaced only when
//! mapping it back to bytes through one of the two code pages yields valid UTF-8
//! that is shorter, so correct accented text is never touched.

/// Windows-1252 characters for bytes 0x80..=0x9F (0x00 marks the five undefined
/// bytes, which decoders pass through as the C1 control of the same value).
const CP1252_80: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// Mac Roman characters for bytes 0x80..=0xFF.
const MAC_ROMAN_80: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø\
¿¡¬√ƒ≈∆«»…\u{a0}ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{f8ff}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";

fn cp1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if u < 0x80 || (0xA0..=0xFF).contains(&u) {
        return Some(u as u8);
    }
    CP1252_80
        .iter()
        .position(|&x| x == c)
        .map(|i| 0x80 + i as u8)
}

fn mac_roman_byte(c: char) -> Option<u8> {
    if (c as u32) < 0x80 {
        return Some(c as u8);
    }
    MAC_ROMAN_80
        .chars()
        .position(|x| x == c)
        .map(|i| 0x80 + i as u8)
}

fn redecode(run: &str, to_byte: fn(char) -> Option<u8>) -> Option<String> {
    let bytes: Option<Vec<u8>> = run.chars().map(to_byte).collect();
    let fixed = String::from_utf8(bytes?).ok()?;
    (fixed.chars().count() < run.chars().count()).then_some(fixed)
}

/// Returns the repaired text, or `None` when nothing needed repair.
pub fn repair(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String, changed: &mut bool| {
        if run.is_empty() {
            return;
        }
        match redecode(run, cp1252_byte).or_else(|| redecode(run, mac_roman_byte)) {
            Some(fixed) => {
                out.push_str(&fixed);
                *changed = true;
            }
            None => out.push_str(run),
        }
        run.clear();
    };
    for ch in text.chars() {
        if ch.is_ascii() {
            flush(&mut run, &mut out, &mut changed);
            out.push(ch);
        } else {
            run.push(ch);
        }
    }
    flush(&mut run, &mut out, &mut changed);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::repair;

    #[test]
    fn repairs_windows_1252_and_mac_roman() {
        assert_eq!(repair("dÃ©colletage").as_deref(), Some("décolletage"));
        assert_eq!(repair("d√©colletage").as_deref(), Some("décolletage"));
        assert_eq!(repair("itâ€™s").as_deref(), Some("it’s"));
    }

    #[test]
    fn leaves_correct_text_alone() {
        assert_eq!(repair("Lumière Aesthetics"), None);
        assert_eq!(repair("décolletage — crow’s feet"), None);
        assert_eq!(repair("plain ascii"), None);
    }
}

#[cfg(test)]
mod table_tests {
    #[test]
    fn mac_roman_table_is_complete() {
        assert_eq!(super::MAC_ROMAN_80.chars().count(), 128);
    }
}
