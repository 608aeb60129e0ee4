//! Shared by the robustness property tests (`#[path]`-included: not a test target of its own).

/// The text with `edits` characters replaced, inserted or deleted: `(position, operation, char)`,
/// the position taken modulo the length and the operation modulo 3.
pub fn mutate(text: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(at, op, c) in edits {
        if chars.is_empty() {
            chars.push(c);
            continue;
        }
        let at = at % chars.len();
        match op % 3 {
            0 => chars[at] = c,
            1 => chars.insert(at, c),
            _ => {
                chars.remove(at);
            }
        }
    }
    chars.into_iter().collect()
}
