//! Which read-only data only the second module can read, so that it moves there too.
//!
//! A constant's address cannot be told from the code that uses it: the compiler may reach a table
//! through a constant outside it (its base minus one stride, plus the index times the stride), so
//! the constants in the final module do not say which data a function reads. The linker's
//! relocations do: built with `-C link-arg=--emit-relocs`, wasm-ld keeps, for every address in the
//! code and in the data, the symbol it points to. This module reads that linked module (before
//! wasm-bindgen and wasm-opt, which keep every data address as it is) and finds the read-only data
//! symbols that only the moved exports can reach: through calls, through the addresses each
//! function holds, and through the addresses data holds (a table of strings). Everything else stays
//! in the first module, which therefore works alone exactly as before.
//!
//! Only `.rodata` moves: nothing writes it, so the second module can write its bytes when it is
//! instantiated without undoing anything the first has done. Mutable data (`.data`, `.bss`) stays.

use std::collections::HashMap;
use std::ops::Range;

use wasmparser::{
    ExternalKind, KnownCustom, Linking, Parser, Payload, RelocationEntry, RelocationType, SymbolFlags, SymbolInfo,
};

/// Runs of moved bytes shorter than this stay in the first module. Each moved run costs a segment
/// header in both modules and breaks gzip's matches across the two, so that the two modules weigh
/// more than the one: measured with `scripts/build.sh` (gzipped, first module / both), a minimum
/// of 32 bytes moved 21.7 / +3.2 KB, 128 moved 20.1 / +2.5 KB, 1024 moved 16.4 / +1.5 KB; joining runs
/// across short gaps (writing the first module's bytes between them again) weighed more at every gap.
const MIN_RUN: u32 = 128;

/// What moves: each range of addresses the second module writes instead of the first, in address
/// order, with the bytes the linker put there.
#[derive(Debug, Default, PartialEq)]
pub struct DataPlan {
    pub second: Vec<(u32, Vec<u8>)>,
    /// Every segment of the linked module (address and bytes), which the module being split must
    /// write too: the plan holds only for the link it was made from.
    pub linked_data: Vec<(u32, Vec<u8>)>,
}

/// Reads the linked module `bytes` (with its `linking` and `reloc.*` sections) and plans the
/// move of the read-only data that only the function exports named `moved` can reach.
pub fn plan(bytes: &[u8], moved: &[&str]) -> Result<DataPlan, String> {
    let linked = Linked::read(bytes)?;
    let function_count = linked.calls.len();
    let data_count = linked.data_symbols.len();
    // One graph: functions first, then data symbols.
    let data_node = |symbol: usize| function_count + symbol;
    let mut edges: Vec<Vec<usize>> = linked
        .calls
        .iter()
        .map(|callees| callees.iter().map(|&f| f as usize).collect())
        .collect();
    edges.resize(function_count + data_count, Vec::new());
    let mut first_roots: Vec<usize> = Vec::new();
    for (section, entries) in &linked.relocations {
        for entry in entries {
            let target = linked.target(entry)?;
            let Some(target) = target.map(|t| match t {
                Target::Function(f) => f as usize,
                Target::Data(d) => data_node(d),
            }) else {
                continue;
            };
            let sources: Vec<usize> = if Some(*section) == linked.code_section {
                vec![linked.function_at(entry.offset)? as usize]
            } else if Some(*section) == linked.data_section {
                let address = linked.address_at(entry.offset)?;
                let holders: Vec<usize> = linked.symbols_holding(address).map(data_node).collect();
                if holders.is_empty() {
                    // An address in no symbol's bytes: whatever it points to stays in the first module.
                    first_roots.push(target);
                }
                holders
            } else {
                // Another section (a custom one, debug information): kept where it is, so is its target.
                first_roots.push(target);
                Vec::new()
            };
            for source in sources {
                edges[source].push(target);
            }
        }
    }
    for (name, &function) in &linked.function_exports {
        if !moved.iter().any(|m| same_export(name, m)) {
            first_roots.push(function as usize);
        }
    }
    first_roots.extend(linked.referenced.iter().map(|&f| f as usize));
    first_roots.extend(linked.start.map(|f| f as usize));
    let mut second_roots = Vec::new();
    for name in moved {
        let mut functions = linked
            .function_exports
            .iter()
            .filter(|(linked, _)| same_export(linked, name));
        let (Some((_, &function)), None) = (functions.next(), functions.next()) else {
            return Err(format!("the linked module does not export {name:?} exactly once"));
        };
        second_roots.push(function as usize);
    }
    let mut reached_by_first = vec![false; edges.len()];
    reach(&first_roots, &edges, &mut reached_by_first);
    let mut reached_by_second = vec![false; edges.len()];
    reach(&second_roots, &edges, &mut reached_by_second);

    let Some(rodata) = linked.segment(".rodata") else {
        return Err("the linked module has no .rodata segment".into());
    };
    let start = rodata.address;
    let length = u32::try_from(rodata.bytes.len()).map_err(|e| e.to_string())?;
    // Each byte of .rodata: who holds it.
    let mut owner = vec![Owner::Nobody; rodata.bytes.len()];
    for (symbol, data) in linked.data_symbols.iter().enumerate() {
        let node = data_node(symbol);
        let Some(range) = data.range.clone() else { continue };
        if range.start < start || range.end > start + length {
            continue;
        }
        let only_second = reached_by_second[node] && !reached_by_first[node];
        for byte in &mut owner[(range.start - start) as usize..(range.end - start) as usize] {
            *byte = match (*byte, only_second) {
                (Owner::First, _) | (_, false) => Owner::First,
                (Owner::Nobody | Owner::Second, true) => Owner::Second,
            };
        }
    }
    // A byte no symbol holds is padding, zero; one that is not zero stays where it was, to be safe.
    for (byte, &value) in owner.iter_mut().zip(rodata.bytes) {
        if *byte == Owner::Nobody && value != 0 {
            *byte = Owner::First;
        }
    }
    let second = moved_runs(&owner)
        .into_iter()
        .map(|run| {
            (
                start + run.start,
                rodata.bytes[run.start as usize..run.end as usize].to_vec(),
            )
        })
        .collect();
    let linked_data = linked.segments.iter().map(|s| (s.address, s.bytes.to_vec())).collect();
    Ok(DataPlan { second, linked_data })
}

/// Whether the linked module's export `linked` is wasm-bindgen's export `name`: wasm-bindgen
/// renames `name_<16 hex digits>` (how the linker sees it) to `name`.
fn same_export(linked: &str, name: &str) -> bool {
    linked == name
        || linked
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Owner {
    /// Padding: no symbol's bytes.
    Nobody,
    /// Held by a symbol the first module can read (or one nothing reaches).
    First,
    /// Held only by symbols only the second module reaches.
    Second,
}

/// The runs the second module writes, as offsets in the segment: runs of second-module bytes with
/// the padding inside them (but not after them: it may be the next symbol's alignment), of at least
/// [`MIN_RUN`] bytes.
fn moved_runs(owner: &[Owner]) -> Vec<Range<u32>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < owner.len() {
        if owner[i] != Owner::Second {
            i += 1;
            continue;
        }
        let begin = i;
        while i < owner.len() && owner[i] != Owner::First {
            i += 1;
        }
        let mut end = i;
        while owner[end - 1] == Owner::Nobody {
            end -= 1;
        }
        if end - begin >= MIN_RUN as usize {
            runs.push(offset(begin)..offset(end));
        }
    }
    runs
}

/// A LEB128 number at `at` (wasm-ld pads relocated ones to 5 bytes), or `None` past the end.
fn read_leb(bytes: &[u8], at: usize, signed: bool) -> Option<i64> {
    let mut value: i64 = 0;
    let mut shift = 0;
    for &byte in bytes.get(at..)?.iter().take(10) {
        value |= i64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            if signed && shift < 64 && byte & 0x40 != 0 {
                value -= 1 << shift;
            }
            return Some(if signed {
                i64::from(i32::try_from(value).ok()?)
            } else {
                value
            });
        }
    }
    None
}

fn offset(i: usize) -> u32 {
    u32::try_from(i).expect("a wasm offset fits in u32")
}

fn reach(roots: &[usize], edges: &[Vec<usize>], marked: &mut [bool]) {
    let mut stack = Vec::new();
    for &root in roots {
        if !marked[root] {
            marked[root] = true;
            stack.push(root);
        }
    }
    while let Some(node) = stack.pop() {
        for &next in &edges[node] {
            if !marked[next] {
                marked[next] = true;
                stack.push(next);
            }
        }
    }
}

enum Target {
    Function(u32),
    Data(usize),
}

struct Segment<'a> {
    name: String,
    address: u32,
    /// Where the segment's bytes begin, from the start of the data section's contents.
    contents_offset: u32,
    bytes: &'a [u8],
}

struct DataSymbol {
    /// Its address range; `None` for an undefined symbol.
    range: Option<Range<u32>>,
}

/// What the split reads of the module as wasm-ld wrote it.
#[derive(Default)]
struct Linked<'a> {
    imported_functions: u32,
    /// Direct callees and referenced functions of every function, imports (none) included.
    calls: Vec<Vec<u32>>,
    /// Each body's start, from the start of the code section's contents, in order.
    body_starts: Vec<u32>,
    /// The length of the code section's contents.
    code_length: u32,
    /// The indices of the custom sections.
    custom_sections: Vec<u32>,
    function_exports: HashMap<String, u32>,
    start: Option<u32>,
    /// Functions in element segments (the table) and global initialisers.
    referenced: Vec<u32>,
    segments: Vec<Segment<'a>>,
    /// The symbol table: for each symbol, a function index or a data symbol index.
    symbols: Vec<Symbol>,
    data_symbols: Vec<DataSymbol>,
    /// Data symbol indices sorted by address, for lookups.
    by_address: Vec<usize>,
    code_section: Option<u32>,
    data_section: Option<u32>,
    /// Where the data section's contents begin in the file.
    data_contents: usize,
    relocations: Vec<(u32, Vec<RelocationEntry>)>,
}

#[derive(Clone, Copy)]
enum Symbol {
    Function(u32),
    Data(usize),
    Other,
}

impl<'a> Linked<'a> {
    fn read(bytes: &'a [u8]) -> Result<Self, String> {
        let mut linked = Linked::default();
        let mut code_start = 0;
        let mut code_end = 0;
        let mut segment_names: Vec<String> = Vec::new();
        let mut data_symbols: Vec<Option<(u32, u32, u32)>> = Vec::new();
        let mut section = 0u32;
        let mut has_linking = false;
        for payload in Parser::new(0).parse_all(bytes) {
            let payload = payload.map_err(|e| e.to_string())?;
            let counts = !matches!(
                payload,
                Payload::Version { .. } | Payload::End(_) | Payload::CodeSectionEntry(_)
            );
            match payload {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        if matches!(import.map_err(|e| e.to_string())?.ty, wasmparser::TypeRef::Func(_)) {
                            linked.imported_functions += 1;
                            linked.calls.push(Vec::new());
                        }
                    }
                }
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        let global = global.map_err(|e| e.to_string())?;
                        crate::referenced_functions(&global.init_expr.get_operators_reader(), &mut linked.referenced)?;
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export.map_err(|e| e.to_string())?;
                        if export.kind == ExternalKind::Func {
                            linked.function_exports.insert(export.name.to_owned(), export.index);
                        }
                    }
                }
                Payload::StartSection { func, .. } => linked.start = Some(func),
                Payload::ElementSection(reader) => crate::element_functions(reader, &mut linked.referenced)?,
                Payload::CodeSectionStart { range, .. } => {
                    linked.code_section = Some(section);
                    code_start = range.start;
                    code_end = range.end;
                }
                Payload::CodeSectionEntry(body) => {
                    linked.body_starts.push(offset(body.range().start - code_start));
                    let mut callees = Vec::new();
                    crate::referenced_functions(
                        &body.get_operators_reader().map_err(|e| e.to_string())?,
                        &mut callees,
                    )?;
                    linked.calls.push(callees);
                }
                Payload::DataSection(reader) => {
                    linked.data_section = Some(section);
                    linked.read_segments(reader)?;
                }
                Payload::CustomSection(custom) => {
                    linked.custom_sections.push(section);
                    has_linking |= linked.read_custom(&custom, &mut segment_names, &mut data_symbols)?;
                }
                _ => {}
            }
            if counts {
                section += 1;
            }
        }
        if !has_linking {
            return Err("the linked module has no linking section: build it with -C link-arg=--emit-relocs".into());
        }
        // Without the data's relocations, a table of strings the first module reads would not hold its strings.
        for (section, name) in [(linked.code_section, "code"), (linked.data_section, "data")] {
            if let Some(section) = section {
                if !linked.relocations.iter().any(|(s, _)| *s == section) {
                    return Err(format!("the linked module has no relocations for its {name} section"));
                }
            }
        }
        for (section, _) in &linked.relocations {
            if Some(*section) != linked.code_section
                && Some(*section) != linked.data_section
                && !linked.custom_sections.contains(section)
            {
                return Err(format!(
                    "the linked module relocates section {section}, which the split does not read"
                ));
            }
        }
        linked.code_length = offset(code_end - code_start);
        linked.place_symbols(segment_names, data_symbols)?;
        linked.check_relocations(bytes, code_start)?;
        Ok(linked)
    }

    /// Names the segments and gives each defined data symbol (segment, offset, size) its addresses.
    fn place_symbols(
        &mut self,
        segment_names: Vec<String>,
        data_symbols: Vec<Option<(u32, u32, u32)>>,
    ) -> Result<(), String> {
        if segment_names.len() != self.segments.len() {
            return Err(format!(
                "the linked module names {} data segments and has {}",
                segment_names.len(),
                self.segments.len()
            ));
        }
        for (segment, name) in self.segments.iter_mut().zip(segment_names) {
            segment.name = name;
        }
        for (i, defined) in data_symbols.into_iter().enumerate() {
            let range = match defined {
                None => None,
                Some((segment, at, size)) => {
                    // A symbol outside its segment would leave bytes the first module reads unowned.
                    let placed = self
                        .segments
                        .get(segment as usize)
                        .filter(|s| u64::from(at) + u64::from(size) <= s.bytes.len() as u64);
                    let Some(s) = placed else {
                        return Err(format!(
                            "data symbol {i} ({size} bytes at {at} of segment {segment}) lies outside its segment"
                        ));
                    };
                    Some(s.address + at..s.address + at + size)
                }
            };
            self.data_symbols.push(DataSymbol { range });
        }
        self.by_address = (0..self.data_symbols.len())
            .filter(|&d| self.data_symbols[d].range.is_some())
            .collect();
        let data_symbols = &self.data_symbols;
        self.by_address
            .sort_by_key(|&d| data_symbols[d].range.as_ref().map(|r| r.start));
        Ok(())
    }

    fn read_segments(&mut self, reader: wasmparser::DataSectionReader<'a>) -> Result<(), String> {
        let contents = reader.range().start;
        self.data_contents = contents;
        for data in reader {
            let data = data.map_err(|e| e.to_string())?;
            let address = crate::active_address(&data).map_err(|e| format!("the linked module {e}"))?;
            self.segments.push(Segment {
                name: String::new(),
                address,
                contents_offset: offset(data.range.end - data.data.len() - contents),
                bytes: data.data,
            });
        }
        Ok(())
    }

    /// Reads a `linking` section (segment names and the symbol table, returning true) or a `reloc.*`
    /// one; any other custom section is left alone.
    fn read_custom(
        &mut self,
        custom: &wasmparser::CustomSectionReader<'a>,
        segment_names: &mut Vec<String>,
        data_symbols: &mut Vec<Option<(u32, u32, u32)>>,
    ) -> Result<bool, String> {
        match custom.as_known() {
            KnownCustom::Linking(reader) => {
                for subsection in reader {
                    match subsection.map_err(|e| e.to_string())? {
                        Linking::SegmentInfo(segments) => {
                            for segment in segments {
                                segment_names.push(segment.map_err(|e| e.to_string())?.name.to_owned());
                            }
                        }
                        Linking::SymbolTable(symbols) => {
                            for symbol in symbols {
                                self.symbols.push(match symbol.map_err(|e| e.to_string())? {
                                    SymbolInfo::Func { index, .. } => Symbol::Function(index),
                                    SymbolInfo::Data { flags, symbol, name } => {
                                        // An absolute symbol's "offset" is its address: not placed like the others.
                                        if flags.contains(SymbolFlags::ABSOLUTE) && symbol.is_some() {
                                            return Err(format!(
                                                "data symbol {name} is absolute, which the split does not place"
                                            ));
                                        }
                                        data_symbols.push(symbol.map(|s| (s.index, s.offset, s.size)));
                                        Symbol::Data(data_symbols.len() - 1)
                                    }
                                    _ => Symbol::Other,
                                });
                            }
                        }
                        _ => {}
                    }
                }
                Ok(true)
            }
            KnownCustom::Reloc(reader) => {
                let entries = reader
                    .entries()
                    .into_iter()
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| e.to_string())?;
                self.relocations.push((reader.section_index(), entries));
                Ok(false)
            }
            _ => Ok(false),
        }
    }

    /// Reads back what wasm-ld wrote where each relocation points: a function-index relocation in the
    /// code must follow a `call`, `return_call` or `ref.func`, and every address must be its symbol's
    /// address plus the addend. Otherwise the offsets are not read the way wasm-ld wrote them, and
    /// nothing else this module concludes would hold.
    fn check_relocations(&self, bytes: &[u8], code_start: usize) -> Result<(), String> {
        use RelocationType as T;
        for (section, entries) in &self.relocations {
            let start = if Some(*section) == self.code_section {
                code_start
            } else if Some(*section) == self.data_section {
                self.data_contents
            } else {
                continue;
            };
            for entry in entries {
                let at = start + entry.offset as usize;
                let written = match entry.ty {
                    T::FunctionIndexLeb => {
                        if Some(*section) == self.code_section && !matches!(bytes.get(at - 1), Some(0x10 | 0x12 | 0xd2)) {
                            return Err(format!("a function relocation at code offset {} does not follow a call", entry.offset));
                        }
                        continue;
                    }
                    T::MemoryAddrLeb => read_leb(bytes, at, false),
                    T::MemoryAddrSleb => read_leb(bytes, at, true),
                    T::MemoryAddrI32 => bytes.get(at..at + 4).map(|b| i64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
                    T::MemoryAddrLeb64
                    | T::MemoryAddrSleb64
                    | T::MemoryAddrI64
                    | T::MemoryAddrRelSleb
                    | T::MemoryAddrRelSleb64
                    | T::MemoryAddrTlsSleb
                    | T::MemoryAddrTlsSleb64
                    | T::MemoryAddrLocrelI32
                    | T::TableIndexSleb64
                    | T::TableIndexI64
                    | T::TableIndexRelSleb
                    | T::TableIndexRelSleb64 => {
                        return Err(format!(
                            "the linked module has a {:?} relocation (64-bit, relative or thread-local), which the split does not handle",
                            entry.ty
                        ))
                    }
                    _ => continue,
                };
                let Some(Target::Data(symbol)) = self.target(entry)? else {
                    continue;
                };
                // An undefined symbol resolves to 0.
                let address = self.data_symbols[symbol].range.as_ref().map_or(0, |r| r.start);
                if written != Some(i64::from(address) + entry.addend) {
                    return Err(format!(
                        "the address at offset {} of section {section} is not its symbol's address plus the addend",
                        entry.offset
                    ));
                }
            }
        }
        Ok(())
    }

    fn segment(&self, name: &str) -> Option<&Segment<'a>> {
        self.segments.iter().find(|s| s.name == name)
    }

    /// What a relocation points to; `None` for types, globals, tables and section offsets.
    fn target(&self, entry: &RelocationEntry) -> Result<Option<Target>, String> {
        use RelocationType as T;
        let symbol = || {
            self.symbols.get(entry.index as usize).copied().ok_or_else(|| {
                format!(
                    "a relocation names symbol {}, which the linked module does not have",
                    entry.index
                )
            })
        };
        // wasm32 relocation types only: the others are refused when the module is read.
        let wants_function = match entry.ty {
            T::FunctionIndexLeb | T::FunctionIndexI32 | T::TableIndexSleb | T::TableIndexI32 => true,
            T::MemoryAddrLeb | T::MemoryAddrSleb | T::MemoryAddrI32 => false,
            _ => return Ok(None),
        };
        match (wants_function, symbol()?) {
            (true, Symbol::Function(f)) => Ok(Some(Target::Function(f))),
            (false, Symbol::Data(d)) => Ok(Some(Target::Data(d))),
            _ => Err(format!(
                "a {:?} relocation names symbol {}, which is not a {}",
                entry.ty,
                entry.index,
                if wants_function { "function" } else { "data symbol" }
            )),
        }
    }

    /// The function whose body holds `at` (an offset in the code section's contents).
    fn function_at(&self, at: u32) -> Result<u32, String> {
        let body = self.body_starts.partition_point(|&start| start <= at);
        if body == 0 || at >= self.code_length {
            return Err(format!("a code relocation at {at} is outside the functions' bodies"));
        }
        Ok(self.imported_functions + offset(body - 1))
    }

    /// The address that `at` (an offset in the data section's contents) is written at.
    fn address_at(&self, at: u32) -> Result<u32, String> {
        self.segments
            .iter()
            .find(|s| at >= s.contents_offset && at - s.contents_offset < offset(s.bytes.len()))
            .map(|s| s.address + (at - s.contents_offset))
            .ok_or_else(|| format!("a data relocation at {at} is in no segment"))
    }

    /// The data symbols whose bytes include `address`.
    fn symbols_holding(&self, address: u32) -> impl Iterator<Item = usize> + '_ {
        let end = self
            .by_address
            .partition_point(|&d| self.data_symbols[d].range.as_ref().is_some_and(|r| r.start <= address));
        // Symbols can overlap (aliases, and strings the linker tail-merged into longer ones): look back
        // over all that start at or before it.
        self.by_address[..end].iter().rev().copied().filter(move |&d| {
            self.data_symbols[d]
                .range
                .as_ref()
                .is_some_and(|r| r.contains(&address))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{moved_runs, same_export, Owner, MIN_RUN};

    /// `1` a first-module byte, `2` a second-module byte, `.` padding; each repeated `n` times.
    fn owners(parts: &[(char, usize)]) -> Vec<Owner> {
        parts
            .iter()
            .flat_map(|&(c, n)| {
                std::iter::repeat_n(
                    match c {
                        '2' => Owner::Second,
                        '1' => Owner::First,
                        _ => Owner::Nobody,
                    },
                    n,
                )
            })
            .collect()
    }

    #[test]
    fn runs_take_inner_padding_and_leave_trailing_padding() {
        let long = MIN_RUN as usize;
        let owner = owners(&[('1', 4), ('2', long), ('.', 2), ('2', long), ('.', 3), ('1', 1)]);
        assert_eq!(moved_runs(&owner), vec![4..4 + 2 * MIN_RUN + 2]);
        let owner = owners(&[('2', long), ('.', 4)]);
        assert_eq!(moved_runs(&owner), vec![0..MIN_RUN]);
    }

    #[test]
    fn first_bytes_split_runs_and_short_runs_stay() {
        let long = MIN_RUN as usize;
        let owner = owners(&[('2', long), ('1', 1), ('2', long - 1), ('1', 1), ('2', long)]);
        let second = 2 * MIN_RUN + 1;
        assert_eq!(moved_runs(&owner), vec![0..MIN_RUN, second..second + MIN_RUN]);
        assert!(moved_runs(&owners(&[('.', 8), ('2', long - 1), ('1', 2)])).is_empty());
    }

    #[test]
    fn exports_match_with_or_without_the_linker_hash() {
        assert!(same_export("ciSnippet", "ciSnippet"));
        assert!(same_export("ciSnippet_feeedc2efa14f625", "ciSnippet"));
        assert!(!same_export("ciSnippetX_feeedc2efa14f625", "ciSnippet"));
        assert!(!same_export("ciSnippet_feeedc2efa14f62", "ciSnippet"));
        assert!(!same_export("ciSnippet_feeedc2efa14f62g", "ciSnippet"));
    }
}
