import Lean

/-!
# `dump_decls`: the declarations of compiled modules as JSON

Usage (after `lake build`):

    lake exe dump_decls [--out FILE] [--prefix NAMESPACE] MODULE [MODULE ...]

The program never imports the library statically (it imports only `Lean`): at run time it imports
exactly the modules named on its command line, e.g. `NeuralLandscapes.BilinearHessian`. It reports
the declarations whose defining module is one of those modules or, with `--prefix P`, every
imported declaration whose name starts with `P`. Compiler auxiliaries are left out. The output is
one JSON object (schema in `README.md`):
`{"lean_version": ..., "modules": [...], "declarations": [{"name", "kind", "type", "docstring",
"module", "range", "axioms", "uses"}, ...]}`; without `--out` it goes to standard output.

A bad argument, or a module that cannot be imported, gives a message on standard error and exit
code 1 (2 for a usage error).
-/

open Lean Meta

namespace DumpDecls

/-- The parsed command line. -/
structure Args where
  /-- The output file; standard output when `none`. -/
  out : Option String := none
  /-- With `--prefix P`: report the declarations whose name starts with `P`. -/
  pfx : Option Name := none
  /-- The modules to import, in command-line order. -/
  modules : Array Name := #[]

/-- The usage line printed on a bad argument. -/
def usage : String :=
  "usage: dump_decls [--out FILE] [--prefix NAMESPACE] MODULE [MODULE ...]"

/-- A dotted name such as `NeuralLandscapes.BilinearHessian`: non-empty components, not an
option (no leading `-`) and not a file path (no `/`). -/
def validDotted (s : String) : Bool :=
  !s.isEmpty && !s.startsWith "-" && !(s.contains '/') && !((s.splitOn ".").any (·.isEmpty))

/-- Parse the command line; `.error msg` on a bad argument. -/
def parseArgs (acc : Args) : List String → Except String Args
  | [] =>
    if acc.modules.isEmpty then .error "no module given" else .ok acc
  | ["--out"] => .error "--out needs a file name"
  | ["--prefix"] => .error "--prefix needs a namespace"
  | "--out" :: file :: rest =>
    if acc.out.isSome then .error "--out given twice"
    else if file.isEmpty || file.startsWith "-" then .error s!"--out: bad file name '{file}'"
    else parseArgs { acc with out := some file } rest
  | "--prefix" :: p :: rest =>
    if acc.pfx.isSome then .error "--prefix given twice"
    else if !validDotted p then .error s!"--prefix: bad namespace '{p}'"
    else parseArgs { acc with pfx := some p.toName } rest
  | s :: rest =>
    if s.startsWith "-" then .error s!"unknown option '{s}'"
    else if !validDotted s then
      .error s!"bad module name '{s}' (expected e.g. NeuralLandscapes.BilinearHessian; \
        the output file goes after --out)"
    else parseArgs { acc with modules := acc.modules.push s.toName } rest

/-- Whether `s` is `pre` followed by one or more decimal digits, as in `match_1`, `eq_2` or
`proof_3`. A user declaration such as `eq_of_foo` is not of this form. -/
def isNumbered (pre s : String) : Bool :=
  s.startsWith pre && s.length > pre.length && (s.toList.drop pre.length).all Char.isDigit

/-- Compiler-generated auxiliaries that are never reported: internal names (a component starting
with `_`), auxiliary recursors, `noConfusion`, matchers (`f.match_1`), equation lemmas (`f.eq_1`,
`f.eq_def`, `f.eq_unfold`) and abstracted proofs (`f.proof_1`). Only the exact generated forms
are matched, so that a user theorem named e.g. `eq_of_foo` or `proof_sketch` is still reported. -/
def isAuxiliary (env : Environment) (n : Name) : Bool :=
  n.isInternal || isAuxRecursor env n || isNoConfusion env n ||
    (match n with
      | .str _ s =>
        isNumbered "match_" s || isNumbered "eq_" s || isNumbered "proof_" s ||
          s == "eq_def" || s == "eq_unfold"
      | _ => true)

/-- Whether a constant is in the scope of the dump: declared in one of the imported `modules`
or, with a prefix, named under that prefix. -/
def inScope (args : Args) (n : Name) : CoreM Bool := do
  match args.pfx with
  | some p => return p.isPrefixOf n
  | none =>
    match (← findModuleOf? n) with
    | some mod => return args.modules.contains mod
    | none => return false

/-- The constants referenced directly by a declaration's type and value (the proof, for a
theorem). Matching on the constructors, rather than calling `ConstantInfo.value?`, keeps theorem
proofs included whatever the default of `value?`'s `allowOpaque` parameter is. -/
def directConstants (ci : ConstantInfo) : Array Name :=
  let fromValue : Array Name :=
    match ci with
    | .thmInfo val => val.value.getUsedConstants
    | .defnInfo val => val.value.getUsedConstants
    | .opaqueInfo val => val.value.getUsedConstants
    | _ => #[]
  ci.type.getUsedConstants ++ fromValue

/-- The reported declarations that `n` uses directly. A constant in scope but not reported (an
auxiliary such as `n.proof_1` or `n.match_1`) is looked through, so that an edge
`theorem → auxiliary → lemma` still appears as `theorem → lemma`. Sorted, without duplicates and
without `n` itself. -/
def usesOf (env : Environment) (args : Args) (reported : Array Name) (n : Name) :
    CoreM (Array Name) := do
  let mut out : Array Name := #[]
  let mut seen : Array Name := #[n]
  let mut todo : Array Name :=
    match env.find? n with
    | some ci => directConstants ci
    | none => #[]
  -- every constant is expanded at most once, so the loop ends; the bound is a safety net
  let mut fuel := 100000
  while fuel > 0 && !todo.isEmpty do
    fuel := fuel - 1
    let c := todo.back!
    todo := todo.pop
    if seen.contains c then
      continue
    seen := seen.push c
    if reported.contains c then
      out := out.push c
      continue
    let inside ← inScope args c
    if inside && isAuxiliary env c then
      if let some ci := env.find? c then
        todo := todo ++ directConstants ci
  return out.qsort (fun a b => a.toString < b.toString)

/-- The kind of a constant, one of `theorem`, `def`, `abbrev`, `instance`, `axiom`, `opaque`,
`inductive`, `structure` or `other`. -/
def kindOf (n : Name) (ci : ConstantInfo) : CoreM String := do
  let env ← getEnv
  match ci with
  | .thmInfo _ => return "theorem"
  | .axiomInfo _ => return "axiom"
  | .opaqueInfo _ => return "opaque"
  | .inductInfo _ => return (if isStructure env n then "structure" else "inductive")
  | .defnInfo _ =>
    let isInst ← Meta.isInstance n
    let status ← getReducibilityStatus n
    if isInst then
      return "instance"
    match status with
    | .reducible => return "abbrev"
    | _ => return "def"
  | _ => return "other"

/-- The source range of a declaration as a JSON object, or `null`. -/
def rangeJson : Option DeclarationRanges → Json
  | none => Json.null
  | some r => Json.mkObj [
      ("start_line", toJson r.range.pos.line),
      ("start_col", toJson r.range.pos.column),
      ("end_line", toJson r.range.endPos.line),
      ("end_col", toJson r.range.endPos.column)]

/-- One declaration as a JSON object (see the schema in `README.md`). -/
def declJson (args : Args) (reported : Array Name) (n : Name) : CoreM Json := do
  let env ← getEnv
  let some ci := env.find? n | return Json.null
  let kind ← kindOf n ci
  let type ← MetaM.run' (Meta.ppExpr ci.type)
  let doc ← findDocString? env n
  let modName ← findModuleOf? n
  let ranges ← findDeclarationRanges? n
  let axioms ← collectAxioms n
  let uses ← usesOf env args reported n
  return Json.mkObj [
    ("name", toJson n.toString),
    ("kind", toJson kind),
    ("type", toJson (toString type)),
    ("docstring", toJson doc),
    ("module", toJson (modName.map (·.toString))),
    ("range", rangeJson ranges),
    ("axioms", toJson (axioms.map (·.toString))),
    ("uses", toJson (uses.map (·.toString)))]

/-- The reported declarations, sorted by name. -/
def reportedNames (args : Args) : CoreM (Array Name) := do
  let env ← getEnv
  let all := env.constants.fold (fun (acc : Array Name) n _ => acc.push n) #[]
  let mut out : Array Name := #[]
  for n in all do
    let inside ← inScope args n
    if inside && !isAuxiliary env n then
      out := out.push n
  return out.qsort (fun a b => a.toString < b.toString)

/-- The whole JSON document. -/
def document (args : Args) : CoreM Json := do
  let names ← reportedNames args
  let decls ← names.mapM (declJson args names)
  return Json.mkObj [
    ("lean_version", toJson Lean.versionString),
    ("modules", toJson (args.modules.map (·.toString))),
    ("declarations", Json.arr decls)]

end DumpDecls

open DumpDecls in
/-- Entry point: `dump_decls [--out FILE] [--prefix NAMESPACE] MODULE [MODULE ...]`. -/
unsafe def main (argv : List String) : IO UInt32 := do
  match parseArgs {} argv with
  | .error msg =>
    IO.eprintln s!"dump_decls: {msg}"
    IO.eprintln usage
    return 2
  | .ok args =>
    initSearchPath (← findSysroot)
    enableInitializersExecution
    let imports := args.modules.map fun m => ({ module := m } : Import)
    let mut env? : Option Environment := none
    try
      env? := some (← importModules imports {} (loadExts := true))
    catch e =>
      IO.eprintln s!"dump_decls: cannot import {args.modules.toList}: {e}"
      IO.eprintln "(run `lake build` first, and check the module names)"
      return 1
    let some env := env? | return 1
    let ctx : Core.Context := { fileName := "<dump_decls>", fileMap := default }
    let st : Core.State := { env := env }
    let mut doc : Json := Json.null
    try
      let (d, _) ← Core.CoreM.toIO (document args) ctx st
      doc := d
    catch e =>
      IO.eprintln s!"dump_decls: {e}"
      return 1
    match args.out with
    | some path => IO.FS.writeFile path (doc.pretty ++ "\n")
    | none => IO.println doc.pretty
    return 0
