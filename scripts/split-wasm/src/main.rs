//! Splits one WebAssembly module in two at the function level, the way binaryen's `wasm-split`
//! does (no registry reachable here ships it): the page's module with every export it calls
//! (`scripts/build.sh`) becomes a first module that holds what the named exports do not need,
//! loaded on a cold load, and a second one that holds only the functions those exports need
//! beyond it, loaded later. One compiled core, so nothing is built twice.
//!
//!   split-wasm <module.wasm> <like.wasm> <first.wasm> <second.wasm> [--data <linked.wasm>]
//!   split-wasm strip-linking <linked.wasm> <out.wasm>
//!
//! The first module keeps the function exports `like.wasm` has (the page's inspector module:
//! what a cold load calls) and wasm-bindgen's own; every other function export moves to the second.
//!
//! The second module imports from the namespace `p`, which must be the first module's instance
//! exports: every memory, table and global (as `m0`, `t0`, `g0`, …, in index order, so their
//! indices stay the same), and each function of the first module it calls (`f` and the
//! function's index in the first module). It exports the named exports. It has no element or
//! start section: the first module keeps them, and every function a table or a global can reach,
//! so a call through the table never lands in a module that is not there yet.
//!
//! Without `--data`, the first module keeps all the data. With `--data <linked.wasm>` (the same
//! build as wasm-ld wrote it, linked with `-C link-arg=--emit-relocs`, before wasm-bindgen and
//! wasm-opt), the read-only data that only the moved exports can reach moves to the second module,
//! whose active segments write it into the shared memory when it is instantiated ([`data`] says
//! how that is found, and why the constants in the code cannot say it). The linked module's data
//! is checked byte for byte against the module being split, which must come from the same link
//! (`scripts/build.sh` makes both): a linked module whose data differs is refused.
//! `strip-linking` writes the linked module without its `linking` and `reloc.*` sections, for
//! wasm-bindgen and wasm-opt, which do not handle them.
//!
//! Both modules are validated before they are written; a function the second module would need
//! but cannot have (one that uses a data or element segment) stays in the first.
//!
//! For size work, `SPLIT_WASM_PLACES=<file>` writes which module each input function went to (one
//! line per function index, `1` or `2`), to read beside a build that keeps its names.

mod data;

use std::collections::HashMap;
use std::ops::Range;
use std::process::ExitCode;

use wasm_encoder::reencode::{Error as ReencodeError, Reencode};
use wasm_encoder::{
    CodeSection, ConstExpr, DataCountSection, DataSection, ElementSection, EntityType, ExportKind, ExportSection,
    FunctionSection, ImportSection, Module, RawSection, StartSection,
};
use wasmparser::{
    DataKind, ElementItems, ExternalKind, FunctionBody, GlobalType, MemoryType, Operator, Parser, Payload, TableType,
    TypeRef, Validator, WasmFeatures,
};

/// The namespace the second module imports from.
const NAMESPACE: &str = "p";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [command, linked, out] if command == "strip-linking" => strip_linking(linked, out),
        [input, like, first, second] => run(input, like, first, second, None),
        [input, like, first, second, flag, linked] if flag == "--data" => {
            run(input, like, first, second, Some(linked.as_str()))
        }
        _ => {
            eprintln!(
                "usage: split-wasm <module.wasm> <like.wasm> <first.wasm> <second.wasm> [--data <linked.wasm>]\n       split-wasm strip-linking <linked.wasm> <out.wasm>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("split-wasm: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Copies a module without its `linking` and `reloc.*` custom sections.
fn strip_linking(input: &str, output: &str) -> Result<String, String> {
    let bytes = std::fs::read(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let mut module = Module::new();
    let mut removed = 0;
    for payload in Parser::new(0).parse_all(&bytes) {
        let payload = payload.map_err(|e| format!("{input}: {e}"))?;
        // Whole sections, with their ids (a code section's range covers its entries).
        let (id, range) = match &payload {
            Payload::CustomSection(custom) if custom.name() == "linking" || custom.name().starts_with("reloc.") => {
                removed += 1;
                continue;
            }
            Payload::CodeSectionEntry(_) | Payload::Version { .. } | Payload::End(_) => continue,
            other => match other.as_section() {
                Some((id, range)) => (id, range),
                None => return Err(format!("{input}: a section strip-linking does not handle: {other:?}")),
            },
        };
        module.section(&RawSection {
            id,
            data: &bytes[range],
        });
    }
    let stripped = module.finish();
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(&stripped)
        .map_err(|e| format!("{input} without its linking sections does not validate: {e}"))?;
    std::fs::write(output, &stripped).map_err(|e| format!("cannot write {output}: {e}"))?;
    Ok(format!(
        "split-wasm: {input} without {removed} linking and relocation sections: {output}"
    ))
}

fn run(input: &str, like: &str, first_path: &str, second_path: &str, linked: Option<&str>) -> Result<String, String> {
    let bytes = std::fs::read(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let module = Parsed::read(&bytes).map_err(|e| format!("{input}: {e}"))?;
    let like_bytes = std::fs::read(like).map_err(|e| format!("cannot read {like}: {e}"))?;
    let like_module = Parsed::read(&like_bytes).map_err(|e| format!("{like}: {e}"))?;
    let kept: Vec<&str> = like_module.function_exports().map(|(name, _)| name).collect();
    for name in kept.iter().filter(|name| !glue_internal(name)) {
        if !module.function_exports().any(|(export, _)| export == *name) {
            return Err(format!("{input} does not export {name:?}, which {like} exports"));
        }
    }
    let moved: Vec<(String, u32)> = module
        .function_exports()
        .filter(|(name, _)| !kept.contains(name) && !glue_internal(name))
        .map(|(name, index)| (name.to_owned(), index))
        .collect();
    if moved.is_empty() {
        return Err(format!(
            "{input} exports no function that {like} does not: nothing to move"
        ));
    }
    let plan = match linked {
        Some(linked) => {
            let linked_bytes = std::fs::read(linked).map_err(|e| format!("cannot read {linked}: {e}"))?;
            let names: Vec<&str> = moved.iter().map(|(name, _)| name.as_str()).collect();
            data::plan(&linked_bytes, &names).map_err(|e| format!("{linked}: {e}"))?
        }
        None => data::DataPlan::default(),
    };
    let split = module.split(moved)?;
    let data = module.split_data(plan).map_err(|e| format!("{input}: {e}"))?;
    if let Ok(path) = std::env::var("SPLIT_WASM_PLACES") {
        // For size work: which module each function of the input went to, one line per function index.
        let places: String = split
            .in_first
            .iter()
            .map(|&first| if first { "1\n" } else { "2\n" })
            .collect();
        std::fs::write(&path, places).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let first = module
        .first(&split, &data)
        .map_err(|e| format!("writing the first module: {e:?}"))?;
    let second = module
        .second(&split, &data)
        .map_err(|e| format!("writing the second module: {e:?}"))?;
    for (name, wasm) in [("first", &first), ("second", &second)] {
        Validator::new_with_features(WasmFeatures::all())
            .validate_all(wasm)
            .map_err(|e| format!("the {name} module does not validate: {e}"))?;
    }
    std::fs::write(first_path, &first).map_err(|e| format!("cannot write {first_path}: {e}"))?;
    std::fs::write(second_path, &second).map_err(|e| format!("cannot write {second_path}: {e}"))?;
    Ok(format!(
        "split-wasm: {} functions: {} in the first module ({} bytes), {} in the second ({} bytes, {} imported from the first); {} bytes of read-only data moved",
        module.bodies.len(),
        module.bodies.len() - split.second.len(),
        first.len(),
        split.second.len(),
        second.len(),
        split.imported.len(),
        data.moved_bytes
    ))
}

/// The parts of the input module the split reads or copies.
struct Parsed<'a> {
    /// Raw sections copied unchanged into the first module, by section id.
    raw: Vec<(u8, &'a [u8])>,
    imported_functions: u32,
    /// The type index of every function, imported ones first (the function index space).
    function_types: Vec<u32>,
    tables: Vec<TableType>,
    memories: Vec<MemoryType>,
    globals: Vec<GlobalType>,
    exports: Vec<(&'a str, ExternalKind, u32)>,
    start: Option<u32>,
    elements: Option<wasmparser::ElementSectionReader<'a>>,
    /// Functions referenced from the element section and from global initialisers.
    referenced: Vec<u32>,
    bodies: Vec<FunctionBody<'a>>,
    data: Option<wasmparser::DataSectionReader<'a>>,
}

/// The data of the two modules; `None` when the first keeps the input's data section as it is.
struct SplitData {
    /// The first module's segments (address and bytes), when the data is split.
    first: Option<Vec<(u32, Vec<u8>)>>,
    /// The second module's segments.
    second: Vec<(u32, Vec<u8>)>,
    /// Bytes the first module no longer writes.
    moved_bytes: usize,
}

/// Which function goes where.
struct Split {
    /// For each function index of the input: whether the first module keeps it.
    in_first: Vec<bool>,
    /// The first module's index of each function it keeps, by input index.
    first_index: FunctionMap,
    /// The second module's functions, as input indices, in input order.
    second: Vec<u32>,
    /// Functions of the first module the second calls, as input indices, in input order.
    imported: Vec<u32>,
    /// The exports that move (name and input function index).
    moved: Vec<(String, u32)>,
}

impl<'a> Parsed<'a> {
    fn read(bytes: &'a [u8]) -> Result<Self, String> {
        let mut module = Parsed {
            raw: Vec::new(),
            imported_functions: 0,
            function_types: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            exports: Vec::new(),
            start: None,
            elements: None,
            referenced: Vec::new(),
            bodies: Vec::new(),
            data: None,
        };
        for payload in Parser::new(0).parse_all(bytes) {
            let payload = payload.map_err(|e| e.to_string())?;
            match payload {
                // Custom sections (names, producers) are dropped: the build strips them anyway.
                Payload::Version { .. }
                | Payload::End(_)
                | Payload::CodeSectionStart { .. }
                | Payload::CustomSection(_) => {}
                Payload::TypeSection(reader) => module.raw.push((1, raw(bytes, &reader.range()))),
                Payload::ImportSection(reader) => {
                    module.raw.push((2, raw(bytes, &reader.range())));
                    for import in reader.into_imports() {
                        match import.map_err(|e| e.to_string())?.ty {
                            TypeRef::Func(ty) => {
                                module.imported_functions += 1;
                                module.function_types.push(ty);
                            }
                            TypeRef::Table(ty) => module.tables.push(ty),
                            TypeRef::Memory(ty) => module.memories.push(ty),
                            TypeRef::Global(ty) => module.globals.push(ty),
                            TypeRef::Tag(_) | TypeRef::FuncExact(_) => {
                                return Err("imports a tag or an exact function, which the split does not handle".into())
                            }
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        module.function_types.push(ty.map_err(|e| e.to_string())?);
                    }
                }
                Payload::TableSection(reader) => {
                    module.raw.push((4, raw(bytes, &reader.range())));
                    for table in reader {
                        module.tables.push(table.map_err(|e| e.to_string())?.ty);
                    }
                }
                Payload::MemorySection(reader) => {
                    module.raw.push((5, raw(bytes, &reader.range())));
                    for memory in reader {
                        module.memories.push(memory.map_err(|e| e.to_string())?);
                    }
                }
                Payload::GlobalSection(reader) => {
                    module.raw.push((6, raw(bytes, &reader.range())));
                    for global in reader {
                        let global = global.map_err(|e| e.to_string())?;
                        module.globals.push(global.ty);
                        referenced_functions(&global.init_expr.get_operators_reader(), &mut module.referenced)?;
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export.map_err(|e| e.to_string())?;
                        module.exports.push((export.name, export.kind, export.index));
                    }
                }
                Payload::StartSection { func, .. } => module.start = Some(func),
                Payload::ElementSection(reader) => {
                    element_functions(reader.clone(), &mut module.referenced)?;
                    module.elements = Some(reader);
                }
                Payload::DataCountSection { range, .. } => module.raw.push((12, raw(bytes, &range))),
                Payload::DataSection(reader) => {
                    module.raw.push((11, raw(bytes, &reader.range())));
                    module.data = Some(reader);
                }
                Payload::CodeSectionEntry(body) => module.bodies.push(body),
                other => return Err(format!("has a section the split does not handle: {other:?}")),
            }
        }
        Ok(module)
    }

    /// Each function export's name and function index.
    fn function_exports(&self) -> impl Iterator<Item = (&'a str, u32)> + '_ {
        self.exports
            .iter()
            .filter(|(_, kind, _)| *kind == ExternalKind::Func)
            .map(|&(name, _, index)| (name, index))
    }

    fn function_count(&self) -> usize {
        self.function_types.len()
    }

    fn body(&self, function: u32) -> Option<&FunctionBody<'a>> {
        function
            .checked_sub(self.imported_functions)
            .and_then(|i| self.bodies.get(i as usize))
    }

    /// `moved`: the exports that go to the second module (name and function index).
    fn split(&self, moved: Vec<(String, u32)>) -> Result<Split, String> {
        let mut roots: Vec<u32> = self
            .function_exports()
            .filter(|(name, _)| !moved.iter().any(|(m, _)| m == name))
            .map(|(_, index)| index)
            .collect();
        roots.extend(self.start);
        roots.extend(&self.referenced);
        // Functions using a data or element segment stay in the first module, which keeps the segments.
        for (i, body) in self.bodies.iter().enumerate() {
            if uses_segments(body)? {
                roots.push(self.imported_functions + u32::try_from(i).map_err(|e| e.to_string())?);
            }
        }
        let calls = self.calls()?;
        let mut reached_by_first = vec![false; self.function_count()];
        reached_by_first[..self.imported_functions as usize].fill(true);
        reach(&roots, &calls, &mut reached_by_first);
        // What the moved exports reach beyond that; anything reached by neither (none after wasm-opt)
        // stays in the first module.
        let mut reached = reached_by_first.clone();
        let moved_roots: Vec<u32> = moved.iter().map(|&(_, index)| index).collect();
        reach(&moved_roots, &calls, &mut reached);
        let in_second: Vec<bool> = reached.iter().zip(&reached_by_first).map(|(&r, &f)| r && !f).collect();
        let in_first: Vec<bool> = in_second.iter().map(|&second| !second).collect();
        let second: Vec<u32> = (0..self.function_count())
            .filter(|&f| in_second[f])
            .map(index)
            .collect();
        let mut imported: Vec<u32> = second
            .iter()
            .flat_map(|&function| &calls[function as usize])
            .copied()
            .filter(|&callee| in_first[callee as usize])
            .collect();
        imported.sort_unstable();
        imported.dedup();
        let mut first_index = FunctionMap::default();
        for (function, new) in (0..self.function_count()).filter(|&f| in_first[f]).zip(0..) {
            first_index.map.insert(index(function), new);
        }
        Ok(Split {
            in_first,
            first_index,
            second,
            imported,
            moved,
        })
    }

    /// Applies a data plan to this module's data: the first module keeps its segments minus the
    /// dropped ranges, the second gets the planned ones. The planned bytes must be this module's,
    /// at the same addresses: the linked module they come from must be this module's own link.
    fn split_data(&self, plan: data::DataPlan) -> Result<SplitData, String> {
        if plan.second.is_empty() {
            return Ok(SplitData {
                first: None,
                second: Vec::new(),
                moved_bytes: 0,
            });
        }
        for body in &self.bodies {
            let mut reader = body.get_operators_reader().map_err(|e| e.to_string())?;
            while !reader.eof() {
                if matches!(
                    reader.read().map_err(|e| e.to_string())?,
                    Operator::MemoryInit { .. } | Operator::DataDrop { .. }
                ) {
                    return Err("uses memory.init or data.drop, so its data segments cannot be renumbered".into());
                }
            }
        }
        let mut segments: Vec<(u32, &[u8])> = Vec::new();
        for data in self.data.clone().into_iter().flatten() {
            let data = data.map_err(|e| e.to_string())?;
            segments.push((active_address(&data)?, data.data));
        }
        // The linked module's data, checked against this module's (a byte no segment writes is zero):
        // the plan was made from the relocations of that link, and holds only for it.
        let byte_at = |segments: &[(u32, &[u8])], at: u32| {
            segments
                .iter()
                .find(|(start, data)| at >= *start && ((at - start) as usize) < data.len())
                .map_or(0, |(start, data)| data[(at - start) as usize])
        };
        let linked: Vec<(u32, &[u8])> = plan.linked_data.iter().map(|(a, b)| (*a, b.as_slice())).collect();
        for (images, other) in [(&linked, &segments), (&segments, &linked)] {
            for &(start, data) in images {
                for (i, &expected) in data.iter().enumerate() {
                    let at = start + index(i);
                    if byte_at(other, at) != expected {
                        return Err(format!(
                            "its data at address {at} is not the linked module's: the two must come from one link"
                        ));
                    }
                }
            }
        }
        let mut first = Vec::new();
        for (start, data) in segments {
            let end = start + index(data.len());
            let mut at = start;
            for (moved, bytes) in plan
                .second
                .iter()
                .filter(|(a, b)| *a < end && a + index(b.len()) > start)
            {
                push_piece(&mut first, start, data, at..(*moved).max(at));
                at = at.max(moved + index(bytes.len()));
            }
            push_piece(&mut first, start, data, at..end);
        }
        let moved_bytes = plan.second.iter().map(|(_, bytes)| bytes.len()).sum();
        Ok(SplitData {
            first: Some(first),
            second: plan.second,
            moved_bytes,
        })
    }

    /// Each function's direct callees and the functions it takes a reference to (empty for imports).
    fn calls(&self) -> Result<Vec<Vec<u32>>, String> {
        let mut calls = vec![Vec::new(); self.imported_functions as usize];
        for body in &self.bodies {
            let mut callees = Vec::new();
            referenced_functions(&body.get_operators_reader().map_err(|e| e.to_string())?, &mut callees)?;
            calls.push(callees);
        }
        Ok(calls)
    }

    fn first(&self, split: &Split, data: &SplitData) -> Result<Vec<u8>, ReencodeError<String>> {
        let mut remap = split.first_index.clone();
        let mut module = Module::new();
        self.copy_raw(&mut module, &[1, 2]);
        let mut functions = FunctionSection::new();
        for function in self.imported_functions as usize..self.function_count() {
            if split.in_first[function] {
                functions.function(self.function_types[function]);
            }
        }
        module.section(&functions);
        self.copy_raw(&mut module, &[4, 5, 6]);
        let mut exports = ExportSection::new();
        for &(name, kind, index) in &self.exports {
            if kind == ExternalKind::Func {
                if split.moved.iter().any(|(moved, _)| moved == name) && !split.in_first[index as usize] {
                    continue;
                }
                exports.export(name, ExportKind::Func, remap.function_index(index)?);
            } else {
                exports.export(name, remap.export_kind(kind)?, index);
            }
        }
        for table in 0..self.tables.len() {
            exports.export(&format!("t{table}"), ExportKind::Table, index(table));
        }
        for memory in 0..self.memories.len() {
            exports.export(&format!("m{memory}"), ExportKind::Memory, index(memory));
        }
        for global in 0..self.globals.len() {
            exports.export(&format!("g{global}"), ExportKind::Global, index(global));
        }
        for &function in &split.imported {
            let new = remap.function_index(function)?;
            exports.export(&shared_function_name(new), ExportKind::Func, new);
        }
        module.section(&exports);
        if let Some(start) = self.start {
            module.section(&StartSection {
                function_index: remap.function_index(start)?,
            });
        }
        if let Some(elements) = &self.elements {
            let mut section = ElementSection::new();
            remap.parse_element_section(&mut section, elements.clone())?;
            module.section(&section);
        }
        match &data.first {
            Some(segments) if self.raw.iter().any(|(id, _)| *id == 12) => module.section(&DataCountSection {
                count: index(segments.len()),
            }),
            Some(_) => &mut module,
            None => self.copy_raw(&mut module, &[12]),
        };
        let mut code = CodeSection::new();
        for (i, body) in self.bodies.iter().enumerate() {
            if split.in_first[i + self.imported_functions as usize] {
                remap.parse_function_body(&mut code, body.clone())?;
            }
        }
        module.section(&code);
        match &data.first {
            Some(segments) => module.section(&data_section(segments)),
            None => self.copy_raw(&mut module, &[11]),
        };
        Ok(module.finish())
    }

    fn second(&self, split: &Split, data: &SplitData) -> Result<Vec<u8>, ReencodeError<String>> {
        let mut remap = FunctionMap::default();
        let mut module = Module::new();
        self.copy_raw(&mut module, &[1]);
        let mut imports = ImportSection::new();
        for (i, table) in self.tables.iter().enumerate() {
            imports.import(
                NAMESPACE,
                &format!("t{i}"),
                EntityType::Table(remap.table_type(*table)?),
            );
        }
        for (i, memory) in self.memories.iter().enumerate() {
            imports.import(
                NAMESPACE,
                &format!("m{i}"),
                EntityType::Memory(remap.memory_type(*memory)?),
            );
        }
        for (i, global) in self.globals.iter().enumerate() {
            imports.import(
                NAMESPACE,
                &format!("g{i}"),
                EntityType::Global(remap.global_type(*global)?),
            );
        }
        let mut next = 0;
        for &function in &split.imported {
            let name = shared_function_name(split.first_index.get(function)?);
            imports.import(
                NAMESPACE,
                &name,
                EntityType::Function(self.function_types[function as usize]),
            );
            remap.map.insert(function, next);
            next += 1;
        }
        module.section(&imports);
        let mut functions = FunctionSection::new();
        for &function in &split.second {
            functions.function(self.function_types[function as usize]);
            remap.map.insert(function, next);
            next += 1;
        }
        module.section(&functions);
        let mut exports = ExportSection::new();
        for (name, function) in &split.moved {
            if !split.in_first[*function as usize] {
                exports.export(name, ExportKind::Func, remap.function_index(*function)?);
            }
        }
        module.section(&exports);
        let mut code = CodeSection::new();
        for &function in &split.second {
            let body = self
                .body(function)
                .ok_or_else(|| ReencodeError::UserError(format!("no body for {function}")))?;
            remap.parse_function_body(&mut code, body.clone())?;
        }
        module.section(&code);
        if !data.second.is_empty() {
            module.section(&data_section(&data.second));
        }
        Ok(module.finish())
    }

    fn copy_raw<'m>(&self, module: &'m mut Module, ids: &[u8]) -> &'m mut Module {
        for &id in ids {
            for &(section, data) in &self.raw {
                if section == id {
                    module.section(&RawSection { id, data });
                }
            }
        }
        module
    }
}

/// Active segments of memory 0.
fn data_section(segments: &[(u32, Vec<u8>)]) -> DataSection {
    let mut section = DataSection::new();
    for (address, bytes) in segments {
        section.active(0, &ConstExpr::i32_const(address.cast_signed()), bytes.iter().copied());
    }
    section
}

/// Adds `piece` (addresses) of a segment that starts at `start` to `out`, unless it is empty.
fn push_piece(out: &mut Vec<(u32, Vec<u8>)>, start: u32, data: &[u8], piece: Range<u32>) {
    if piece.start < piece.end {
        out.push((
            piece.start,
            data[(piece.start - start) as usize..(piece.end - start) as usize].to_vec(),
        ));
    }
}

/// Renumbers functions; every other index stays as it is (the second module imports every table,
/// memory and global in index order).
#[derive(Default, Clone)]
struct FunctionMap {
    map: HashMap<u32, u32>,
}

impl FunctionMap {
    fn get(&self, function: u32) -> Result<u32, ReencodeError<String>> {
        self.map
            .get(&function)
            .copied()
            .ok_or_else(|| ReencodeError::UserError(format!("function {function} is not in this module")))
    }
}

impl Reencode for FunctionMap {
    type Error = String;

    fn function_index(&mut self, function: u32) -> Result<u32, ReencodeError<String>> {
        self.get(function)
    }
}

/// The name under which the first module exports a function the second imports: `f` and its index there.
fn shared_function_name(first_index: u32) -> String {
    format!("f{first_index}")
}

/// The address an active data segment of memory 0 writes at; an error for any other segment.
pub(crate) fn active_address(data: &wasmparser::Data<'_>) -> Result<u32, String> {
    let DataKind::Active {
        memory_index: 0,
        offset_expr,
    } = &data.kind
    else {
        return Err("has a passive data segment or one for another memory".into());
    };
    match offset_expr.get_operators_reader().read().map_err(|e| e.to_string())? {
        Operator::I32Const { value } => Ok(value.cast_unsigned()),
        _ => Err("has a data segment without a constant address".into()),
    }
}

/// The functions an element section puts in a table.
pub(crate) fn element_functions(
    reader: wasmparser::ElementSectionReader<'_>,
    out: &mut Vec<u32>,
) -> Result<(), String> {
    for element in reader {
        match element.map_err(|e| e.to_string())?.items {
            ElementItems::Functions(functions) => {
                for function in functions {
                    out.push(function.map_err(|e| e.to_string())?);
                }
            }
            ElementItems::Expressions(_, expressions) => {
                for expression in expressions {
                    let expression = expression.map_err(|e| e.to_string())?;
                    referenced_functions(&expression.get_operators_reader(), out)?;
                }
            }
        }
    }
    Ok(())
}

pub(crate) fn referenced_functions(reader: &wasmparser::OperatorsReader<'_>, out: &mut Vec<u32>) -> Result<(), String> {
    let mut reader = reader.clone();
    while !reader.eof() {
        match reader.read().map_err(|e| e.to_string())? {
            Operator::Call { function_index }
            | Operator::ReturnCall { function_index }
            | Operator::RefFunc { function_index } => out.push(function_index),
            _ => {}
        }
    }
    Ok(())
}

fn uses_segments(body: &FunctionBody<'_>) -> Result<bool, String> {
    let mut reader = body.get_operators_reader().map_err(|e| e.to_string())?;
    while !reader.eof() {
        if matches!(
            reader.read().map_err(|e| e.to_string())?,
            Operator::MemoryInit { .. }
                | Operator::DataDrop { .. }
                | Operator::TableInit { .. }
                | Operator::ElemDrop { .. }
        ) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Marks every function reachable from `roots` through `calls`.
fn reach(roots: &[u32], calls: &[Vec<u32>], marked: &mut [bool]) {
    let mut stack = Vec::new();
    for &root in roots {
        if !marked[root as usize] {
            marked[root as usize] = true;
            stack.push(root);
        }
    }
    while let Some(function) = stack.pop() {
        for &callee in &calls[function as usize] {
            if !marked[callee as usize] {
                marked[callee as usize] = true;
                stack.push(callee);
            }
        }
    }
}

/// wasm-bindgen's own exports (the allocator, the externref table, closure shims whose names carry a
/// hash that differs between builds): always in the first module.
fn glue_internal(name: &str) -> bool {
    name.starts_with("__") || name.starts_with("wasm_bindgen__")
}

fn raw<'a>(bytes: &'a [u8], range: &std::ops::Range<usize>) -> &'a [u8] {
    &bytes[range.clone()]
}

fn index(i: usize) -> u32 {
    u32::try_from(i).expect("a wasm index fits in u32")
}
