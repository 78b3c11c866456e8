import Lean

/-!
# `dump_decls`: the declarations of `NeuralLandscapes` as JSON

Usage: `lake exe dump_decls [OUTPUT.json]` (after `lake build`). Imports the compiled
`NeuralLandscapes` modules at run time and prints one JSON object (schema in `README.md`):
`{"lean_version": ..., "declarations": [{"name", "kind", "type", "docstring", "module",
"range", "axioms"}, ...]}`. Without an argument the JSON goes to standard output.
-/

open Lean Meta

namespace DumpDecls

/-- The declarations we report: user-facing constants under the `NeuralLandscapes` namespace,
without compiler-generated auxiliaries (internal names, recursors, `noConfusion`, matchers,
equation lemmas, abstracted proofs). -/
def isReported (env : Environment) (n : Name) : Bool :=
  (`NeuralLandscapes).isPrefixOf n && !n.isInternal && !isAuxRecursor env n &&
    !isNoConfusion env n &&
    (match n with
      | .str _ s =>
        !(s.startsWith "match_" || s.startsWith "eq_" || s.startsWith "proof_" ||
          s == "eq_def")
      | _ => false)

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
def declJson (n : Name) : CoreM Json := do
  let env ← getEnv
  let some ci := env.find? n | return Json.null
  let kind ← kindOf n ci
  let type ← MetaM.run' (Meta.ppExpr ci.type)
  let doc ← findDocString? env n
  let modName ← findModuleOf? n
  let ranges ← findDeclarationRanges? n
  let axioms ← collectAxioms n
  return Json.mkObj [
    ("name", toJson n.toString),
    ("kind", toJson kind),
    ("type", toJson (toString type)),
    ("docstring", toJson doc),
    ("module", toJson (modName.map (·.toString))),
    ("range", rangeJson ranges),
    ("axioms", toJson (axioms.map (·.toString)))]

end DumpDecls

open DumpDecls in
/-- Entry point: `dump_decls [OUTPUT.json]`. -/
unsafe def main (args : List String) : IO UInt32 := do
  initSearchPath (← findSysroot)
  enableInitializersExecution
  let env ← importModules #[{ module := `NeuralLandscapes }] {} (loadExts := true)
  let names := env.constants.fold
    (fun (acc : Array Name) n _ => if isReported env n then acc.push n else acc) #[]
  let names := names.qsort (fun a b => a.toString < b.toString)
  let ctx : Core.Context := { fileName := "<dump_decls>", fileMap := default }
  let st : Core.State := { env := env }
  let (decls, _) ← Core.CoreM.toIO (names.mapM declJson) ctx st
  let out := Json.mkObj [
    ("lean_version", toJson Lean.versionString),
    ("declarations", Json.arr decls)]
  match args with
  | [path] => IO.FS.writeFile path (out.pretty ++ "\n")
  | _ => IO.println out.pretty
  return 0
